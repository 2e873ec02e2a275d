/*
 * vt_test.c -- the teaching kernel under TVT (--mode=vt), with second-
 * stage translation (nested/) and with shadow page tables (shadow/): every
 * case of cases.def prints its expected transcript, ends with its status,
 * and retires exactly as many instructions as on the bare machine.  And
 * the same on the legacy machine (legacy_nested/, legacy_shadow/): with
 * hardware assist the PUSHF/POPF problem is gone -- the guest kernel runs
 * in a real S-mode of its own, so its sstatus reads and writes are simply
 * right, with no translation and no paravirtual kernel.
 * Run one alone with  build/tests/bin/vt --filter 'shadow/echo'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "tests/kernel/krun.h"

#define VT_TIMEOUT 60 /* seconds per run */

/* "instructions retired: N" from --stats. */
static unsigned long long vt_retired(const struct krun_result *r)
{
	const char *p = strstr(r->err, "instructions retired: ");
	cr_assert(p, "no --stats in:\n%s", r->err);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

static void vt_case(const char *paging, const char *isa, const char *name, const char *bootargs,
		    const char *input, int status)
{
	struct krun_result bare, vt;
	char who[96];
	snprintf(who, sizeof(who), "trapvisor --mode=vt --paging=%s --isa=%s", paging, isa);
	cr_assert(krun_trapvisor_isa("bare", isa, bootargs, input, VT_TIMEOUT, &bare) == 0);
	cr_assert(krun_trapvisor_vt(paging, isa, bootargs, input, VT_TIMEOUT, &vt) == 0);
	/* The transcript is the bare machine's.  On the strict machine that
	 * is the expectation; on the legacy machine too, but for a *user*
	 * program reading sstatus (fault:priv), which no monitor should fix:
	 * legacy bare lets it read, and so does TVT (tests/kernel/legacy_test.c
	 * checks the bare side). */
	cr_assert_str_eq(vt.out, bare.out, "%s: transcript differs from bare", who);
	cr_assert_eq(vt.status, bare.status, "%s: status %d, bare %d", who, vt.status, bare.status);
	if (!strcmp(isa, "strict"))
		krun_check(who, &vt, name, status);
	cr_assert_eq(vt_retired(&vt), vt_retired(&bare),
		     "%s: %s retired %llu instructions, bare %llu", name, who, vt_retired(&vt),
		     vt_retired(&bare));
	cr_assert(strstr(vt.err, "VM exits: "), "%s: no exit statistics:\n%s", who, vt.err);
	krun_free(&bare);
	krun_free(&vt);
}

#define KCASE(name, bootargs, input, status)                                 \
	Test(nested, name)                                                   \
	{                                                                    \
		vt_case("nested", "strict", #name, bootargs, input, status); \
	}                                                                    \
	Test(shadow, name)                                                   \
	{                                                                    \
		vt_case("shadow", "strict", #name, bootargs, input, status); \
	}                                                                    \
	Test(legacy_nested, name)                                            \
	{                                                                    \
		vt_case("nested", "legacy", #name, bootargs, input, status); \
	}                                                                    \
	Test(legacy_shadow, name)                                            \
	{                                                                    \
		vt_case("shadow", "legacy", #name, bootargs, input, status); \
	}
#include "tests/kernel/cases.def"
#undef KCASE

/* What the exits say: under nested paging the guest kernel's sensitive
 * instructions, its system calls and its page-table writes never exit;
 * only firmware calls, idling, devices and first touches of guest pages
 * do.  With shadow paging, satp accesses and page faults exit too. */
static unsigned long long vt_stat(const struct krun_result *r, const char *label)
{
	const char *p = strstr(r->err, label);
	if (!p)
		return 0;
	return strtoull(p + strlen(label), NULL, 10);
}

Test(exits, nested_paging_exits_only_for_firmware_devices_and_first_touches)
{
	struct krun_result r;
	cr_assert(krun_trapvisor_vt("nested", "strict", "run=syscalls:2000,ptchurn", NULL,
				    VT_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(vt_stat(&r, "  csr-access "), 0, "no CSR exits:\n%s", r.err);
	cr_assert_eq(vt_stat(&r, "  exception "), 0, "no exception exits:\n%s", r.err);
	cr_assert_gt(vt_stat(&r, "  stage2-fault "), 0);
	cr_assert_gt(vt_stat(&r, "traps the guest took without the monitor: "), 2000,
		     "the 2000 system calls trapped inside the guest");
	/* Every stage-2 fault was a fill or a device access. */
	unsigned long long fills = vt_stat(&r, "second-stage entries filled: ");
	unsigned long long mmio = vt_stat(&r, "  emulate MMIO ");
	cr_assert_eq(vt_stat(&r, "  stage2-fault "), fills + mmio, "%s", r.err);
	krun_free(&r);
}

Test(exits, shadow_paging_exits_on_satp_and_page_faults)
{
	struct krun_result r;
	cr_assert(krun_trapvisor_vt("shadow", "strict", "run=ptchurn", NULL, VT_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_gt(vt_stat(&r, "  csr-access "), 0, "satp exits:\n%s", r.err);
	cr_assert_gt(vt_stat(&r, "  exception "), 0, "page-fault exits:\n%s", r.err);
	cr_assert_eq(vt_stat(&r, "  stage2-fault "), 0, "no second stage:\n%s", r.err);
	cr_assert_gt(vt_stat(&r, "write-protect traps "), 0, "page-table writes were seen");
	krun_free(&r);
}

Test(exits, bad_paging_option_is_refused)
{
	struct krun_result r;
	char *argv[] = {
		KRUN_TRAPVISOR, "run", "--mode=vt", "--paging=sideways", KRUN_KERNEL, NULL
	};
	cr_assert(krun(argv, NULL, 0, 10, &r) == 0);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--paging sideways: nested or shadow"), "%s", r.err);
	krun_free(&r);
	char *argv2[] = {
		KRUN_TRAPVISOR, "run", "--mode=trap", "--paging=nested", KRUN_KERNEL, NULL
	};
	cr_assert(krun(argv2, NULL, 0, 10, &r) == 0);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--paging is for --mode=vt"), "%s", r.err);
	krun_free(&r);
}

Test(exits, two_vms_under_tvt_each_with_its_own_tag)
{
	struct krun_result r;
	char *argv[] = { KRUN_TRAPVISOR, "run",	     "--mode=vt", "--append",  "run=primes:100",
			 KRUN_KERNEL,	 "--append", "run=hello", KRUN_KERNEL, NULL };
	cr_assert(krun(argv, NULL, 0, VT_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "[vm0] primes: 25 primes below 100, the largest 97, their sum 1060"),
	    "%s", r.out);
	cr_assert(strstr(r.out, "[vm1] hello, world! I am pid 2"), "%s", r.out);
	krun_free(&r);
}

Test(exits, trace_records_each_exit)
{
	char path[] = "/tmp/trapvisor-vt-trace-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	struct krun_result r;
	char *argv[] = { KRUN_TRAPVISOR, "run",	     "--mode=vt", "--paging=shadow", "--trace",
			 path,		 "--append", "run=hello", KRUN_KERNEL,	     NULL };
	cr_assert(krun(argv, NULL, 0, VT_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	size_t len;
	char *trace = krun_read_file(path, &len);
	unlink(path);
	cr_assert(trace);
	cr_assert(strstr(trace, "\"cause_name\":\"vmexit ecall\""), "firmware calls exit");
	cr_assert(strstr(trace, "\"action\":\"hypercall SRST\""), "the shutdown is the last");
	cr_assert(strstr(trace, "\"disasm\":\"csrrw x0,satp,x10\""), "satp writes exit (shadow)");
	cr_assert(strstr(trace, "\"cause_name\":\"vmexit exception\""), "page faults exit");
	free(trace);
	krun_free(&r);
}
