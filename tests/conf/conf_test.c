/*
 * conf_test.c -- the conformance matrix: every program of tests/conf/prog
 * in every environment variant (crt.S) under every execution mode.  Each
 * Test is one program x variant and loops over the modes; the bare
 * interpreter is the reference, and every other mode must print the same
 * line and end with the same status.  A failure message names the mode,
 * the variant and the command, so one case can be rerun by hand.
 *
 * Run one program: build/tests/bin/conf --filter 'conf/amo_u_4k'.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/guest/runner.h"

/* The modes, as `trapvisor run` options.  bt runs the legacy ISA (binary
 * translation exists for it); pv is left out: it needs a guest written
 * for the paravirtual interface (docs/conformance.md). */
static const char *const conf_modes[] = {
	"--mode=trap",
	"--mode=bt --isa=legacy",
	"--mode=bare --isa=legacy",
	"--mode=vt --paging=nested",
	"--mode=vt --paging=shadow",
};

/* Enough for every program.  A livelock that retires no instructions is
 * not stopped by --max-insns (vt-shadow, U-mode with satp = 0), so each
 * run is also capped by timeout(1): it ends with status 124 either way. */
#define CONF_MAX_INSNS "2000000"
#define CONF_TIMEOUT   "timeout 5 "

static void conf_run(const char *mode, const char *prog, const char *variant,
		     struct runner_result *r, char *cmd, size_t cmd_size)
{
	snprintf(cmd, cmd_size,
		 CONF_TIMEOUT TV_BIN " run %s --mem 4M --max-insns " CONF_MAX_INSNS
				     " build/tests/conf/%s.%s.elf",
		 mode, prog, variant);
	runner_run(cmd, "", r);
}

/* Whether `prog` behaves differently on --isa=legacy by design: there,
 * U-mode reads of sstatus do not trap (docs/isa.md), which csr.S does not
 * test, so no program differs today; listed here when one does. */
static int conf_legacy_differs(const char *prog, const char *variant)
{
	(void)prog;
	(void)variant;
	return 0;
}

static void conf_case(const char *prog, const char *variant)
{
	char cmd[512], want_line[128];
	struct runner_result ref;

	/* The reference: the bare interpreter must pass. */
	conf_run("--mode=bare", prog, variant, &ref, cmd, sizeof(cmd));
	snprintf(want_line, sizeof(want_line), "%s: pass\n", prog);
	cr_expect_str_eq(ref.out, want_line, "bare, variant %s: %s: stderr: %s", variant, cmd,
			 ref.err);
	cr_expect_eq(ref.status, 0, "bare, variant %s: %s: stderr: %s", variant, cmd, ref.err);

	for (size_t i = 0; i < sizeof(conf_modes) / sizeof(conf_modes[0]); i++) {
		struct runner_result r;
		if (strstr(conf_modes[i], "legacy") && conf_legacy_differs(prog, variant))
			continue;
		conf_run(conf_modes[i], prog, variant, &r, cmd, sizeof(cmd));
		cr_expect_str_eq(r.out, ref.out, "mode %s, variant %s: %s: stderr: %s",
				 conf_modes[i], variant, cmd, r.err);
		cr_expect_eq(r.status, ref.status, "mode %s, variant %s: %s: stderr: %s",
			     conf_modes[i], variant, cmd, r.err);
		runner_free(&r);
	}
	runner_free(&ref);
}

#define CONF_VARIANT(prog, variant)         \
	Test(conf, prog##_##variant)        \
	{                                   \
		conf_case(#prog, #variant); \
	}
#define CONF_PROG(prog)          \
	CONF_VARIANT(prog, s)    \
	CONF_VARIANT(prog, u)    \
	CONF_VARIANT(prog, s_vm) \
	CONF_VARIANT(prog, u_4k) \
	CONF_VARIANT(prog, u_mega)

/* One row per program in tests/conf/prog (conf_programs_all_listed checks
 * none is forgotten). */
CONF_PROG(add)
CONF_PROG(addi)
CONF_PROG(lui)
CONF_PROG(branch)
CONF_PROG(jal)
CONF_PROG(load)
CONF_PROG(store)
CONF_PROG(mul)
CONF_PROG(amo)
CONF_PROG(fence)
CONF_PROG(csr)
CONF_PROG(ebreak)
CONF_PROG(timer)
