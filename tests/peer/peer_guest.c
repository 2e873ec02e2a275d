/*
 * peer_guest.c -- the one-feature guest programs (tests/guest/) on QEMU.
 *
 * Every row of tests/guest/guests.def marked QEMU runs on
 * qemu-system-riscv32 (virt, -bios none, the M-mode SBI shim of
 * tests/peer/shim, CPU rv32 without C as in peer_conf.c), with the row's
 * console input on QEMU's UART, and must print the row's expected output
 * and exit with its status -- the very expectation guest_test.c holds
 * trapvisor to in every mode.  Rows marked NOT_QEMU("why") are listed as
 * disabled tests; the reason is in the table.
 *
 * Where QEMU itself departs from the specification the expected QEMU
 * output is written down below (guest_qemu_deviations), with the reason.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/kernel/krun.h"

#define GUEST_PEER_TIMEOUT 20 /* seconds per run; each takes well under 1 */

/* A QEMU run known to differ from the table, and why. */
struct guest_deviation {
	const char *name, *qemu_out;
	int qemu_status;
};
static const struct guest_deviation guest_qemu_deviations[] = {
	/* misaligned_low: `lh` at address 1, where nothing is mapped, is a
	 * load access fault whose stval is the faulting address (privileged
	 * spec, "stval": the virtual address of the portion of the access
	 * that faulted -- 1 or 2 here); QEMU 7.2 writes the address rounded
	 * down to the access size, 0, a byte the access never touches (lh
	 * at 0x43 gives 0x42, lw at 5 gives 4). */
	{ "misaligned_low", "cause 5 stval 0x00000000\n", 0 },
};

static const struct guest_deviation *guest_deviation_of(const char *name)
{
	for (size_t i = 0; i < sizeof(guest_qemu_deviations) / sizeof(guest_qemu_deviations[0]);
	     i++)
		if (!strcmp(guest_qemu_deviations[i].name, name))
			return &guest_qemu_deviations[i];
	return NULL;
}

static void guest_peer_case(const char *name, const char *input, const char *want_out,
			    int want_status)
{
	char elf[4096];
	struct krun_result q;
	snprintf(elf, sizeof(elf), KRUN_BUILD "/tests/guest/%s.elf", name);

	cr_assert(krun_qemu_elf_input(elf, "rv32,c=false", input, GUEST_PEER_TIMEOUT, &q) == 0,
		  "cannot start qemu-system-riscv32 (Debian package qemu-system-misc)");
	const struct guest_deviation *dev = guest_deviation_of(name);
	char *verdict;
	if (dev)
		verdict = krun_verdict("QEMU (known deviation)", &q, name, dev->qemu_out,
				       dev->qemu_status);
	else
		verdict = krun_verdict("QEMU (virt + shim)", &q, name, want_out, want_status);
	cr_assert(!verdict, "%s", verdict);
	krun_free(&q);
}

/* QEMU rows run; NOT_QEMU rows are disabled (Criterion lists them as
 * skipped).  `args` is trapvisor's alone: QEMU rows have none. */
#define GUEST_ON_QEMU	       1
#define GUEST_ON_NOT_QEMU(why) 0
#define GUEST(name, isa, args, input, want_out, want_status, qemu)              \
	Test(peer_guest, name, .disabled = !GUEST_ON_##qemu)                    \
	{                                                                       \
		cr_assert_str_empty(args, "a QEMU row with trapvisor options"); \
		guest_peer_case(#name, input, want_out, want_status);           \
	}
#include "tests/guest/guests.def"
#undef GUEST
