/*
 * peer_conf.c -- the conformance programs (tests/conf/) on QEMU.
 *
 * Each program x variant ELF runs on qemu-system-riscv32 (virt, -bios
 * none, the M-mode shim of tests/peer/shim, which starts it in S-mode at
 * 0x80000000 just as the teaching kernel) and on `trapvisor run
 * --mode=bare`; both must print the same line and exit with the same
 * status, and trapvisor's must be a pass.  QEMU's CPU is `rv32,c=false`:
 * TRV32 has no compressed instructions, and with C a jump to a 2-aligned
 * target would not trap (tests/conf/prog/jal.S checks that it does).
 *
 * Where QEMU itself departs from the specification the expected QEMU line
 * is written down below (conf_qemu_deviations), with the reason.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/kernel/krun.h"

#define CONF_PEER_TIMEOUT 20 /* seconds per run; a pass takes well under 1 */

/* A run on QEMU that is known to differ from trapvisor's, and why. */
struct conf_deviation {
	const char *prog, *qemu_out;
	int qemu_status;
};
static const struct conf_deviation conf_qemu_deviations[] = {
	/* lrsc case 11: sc.w on a misaligned address must raise a
	 * store-address-misaligned exception (unprivileged spec, "A"
	 * extension: LR/SC); QEMU 7.2 compares the address with its
	 * reservation first and, finding none, just fails the sc.w. */
	{ "lrsc", "lrsc: FAIL case 11\n", 11 },
	/* pagefault case 85: S-mode must never fetch from a user page, SUM
	 * or not; QEMU 7.2 checks that on its page walk only, so once a
	 * load with SUM has put the page in its TLB, the fetch goes
	 * through (cases 62-73 fetch first, and pass). */
	{ "pagefault", "pagefault: FAIL case 85\n", 85 },
	/* intr case 20: with the external and the software interrupt both
	 * pending and enabled, S-mode takes the external one first
	 * (privileged spec, "Supervisor Interrupt Registers": SEI, SSI,
	 * STI); QEMU 7.2 takes the software one. */
	{ "intr", "intr: FAIL case 20\n", 20 },
	/* causes case 13: a misaligned AMO raises store/AMO-address-
	 * misaligned (6); QEMU 7.2 reports load-address-misaligned (4). */
	{ "causes", "causes: FAIL case 13\n", 13 },
	/* sret case 11: sepc bit 0 is always zero (privileged spec, "sepc");
	 * QEMU 7.2 keeps the bit a csrw writes. */
	{ "sret", "sret: FAIL case 11\n", 11 },
};

static const struct conf_deviation *conf_deviation_of(const char *prog)
{
	for (size_t i = 0; i < sizeof(conf_qemu_deviations) / sizeof(conf_qemu_deviations[0]); i++)
		if (!strcmp(conf_qemu_deviations[i].prog, prog))
			return &conf_qemu_deviations[i];
	return NULL;
}

static void conf_peer_case(const char *prog, const char *variant)
{
	char elf[4096], name[256], pass[256];
	snprintf(elf, sizeof(elf), KRUN_BUILD "/tests/conf/%s.%s.elf", prog, variant);
	snprintf(name, sizeof(name), "%s.%s", prog, variant);
	snprintf(pass, sizeof(pass), "%s: pass\n", prog);

	char *bare[] = { KRUN_TRAPVISOR, "run",	    "--mode=bare", "--mem", "1M",
			 "--max-insns",	 "2000000", elf,	   NULL };
	struct krun_result q, t;

	cr_assert(krun(bare, NULL, 0, CONF_PEER_TIMEOUT, &t) == 0, "cannot start trapvisor");
	char *verdict = krun_verdict("trapvisor --mode=bare", &t, name, pass, 0);
	cr_assert(!verdict, "%s", verdict);

	cr_assert(krun_qemu_elf(elf, "rv32,c=false", NULL, NULL, CONF_PEER_TIMEOUT, &q) == 0,
		  "cannot start qemu-system-riscv32 (Debian package qemu-system-misc)");
	const struct conf_deviation *dev = conf_deviation_of(prog);
	if (dev)
		verdict = krun_verdict("QEMU (known deviation)", &q, name, dev->qemu_out,
				       dev->qemu_status);
	else
		verdict = krun_verdict("QEMU (virt + shim)", &q, name, t.out, t.status);
	cr_assert(!verdict, "%s", verdict);
	krun_free(&q);
	krun_free(&t);
}

#define CONF_VARIANT(prog, variant)              \
	Test(peer_conf, prog##_##variant)        \
	{                                        \
		conf_peer_case(#prog, #variant); \
	}
/* The pv variant runs only under trapvisor's --mode=pv (its hypercalls
 * mean nothing to QEMU's firmware). */
#define CONF_VARIANT_PV(prog)
#include "tests/conf/programs.def"
