/*
 * conf_test.c -- the conformance matrix: every program of tests/conf/prog
 * in every environment variant (crt.S) under every execution mode.  Each
 * Test is one program x variant and loops over the modes; the bare
 * interpreter is the reference, and every other mode must print the same
 * line and end with the same status.  A failure message names the mode,
 * the variant and the command, so one case can be rerun by hand.
 *
 * Run one program: build/tests/bin/conf --filter 'conf/amoadd_u_4k'.
 * The trapvisor run is that of the test's own build folder (TV_BIN), and
 * so are the ELFs (CONF_ELF_DIR, from tests/conf/module.mk).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/guest/runner.h"

/* The modes, as `trapvisor run` options.  bt runs the legacy ISA (binary
 * translation exists for it).  pv needs a guest written for the
 * paravirtual interface: the pv variant (crt.S) is one, and runs only
 * there, on both ISAs, with --stats to show its hypercalls. */
static const char *const conf_modes[] = {
	"--mode=trap",
	"--mode=bt --isa=legacy",
	"--mode=bare --isa=legacy",
	"--mode=vt --paging=nested",
	"--mode=vt --paging=shadow",
};
static const char *const conf_pv_modes[] = {
	"--mode=pv --stats",
	"--mode=pv --isa=legacy --stats",
};

/* Enough for every program.  A livelock that retires no instructions is
 * not stopped by --max-insns (vt-shadow, U-mode with satp = 0), so each
 * run is also capped by timeout(1): it ends with status 124 either way. */
#define CONF_MAX_INSNS "2000000"
#define CONF_TIMEOUT   "timeout 5 "

/* Run CONF_ELF_DIR/PROG.VARIANT.elf (VARIANT may carry the .legacy
 * suffix) under `mode`; cmd gets the command line. */
static void conf_run(const char *mode, const char *prog, const char *variant,
		     struct runner_result *r, char *cmd, size_t cmd_size)
{
	snprintf(cmd, cmd_size,
		 CONF_TIMEOUT TV_BIN " run %s --mem 1M --max-insns " CONF_MAX_INSNS " " CONF_ELF_DIR
				     "/%s.%s.elf",
		 mode, prog, variant);
	runner_run(cmd, "", r);
}

/* Whether `prog` behaves differently on --isa=legacy by design: there,
 * U-mode plain reads and writes of sstatus do not trap (docs/isa.md).
 * CONF_LEGACY_PROGS (from tests/conf/module.mk, which also builds their
 * PROG.VARIANT.legacy.elf) names them; only the U-mode variants (pv is
 * one) differ. */
static int conf_legacy_differs(const char *prog, const char *variant)
{
	const char *all = CONF_LEGACY_PROGS, *p = all;
	size_t n = strlen(prog);

	if (variant[0] != 'u' && strcmp(variant, "pv"))
		return 0;
	while ((p = strstr(p, prog))) {
		if ((p == all || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

/* Run PROG.VARIANT.elf under `mode`: it must print `want` and exit with
 * `status` (`what` names the build in a failure message). */
static void conf_expect(const char *mode, const char *prog, const char *variant, const char *what,
			const char *want, int status)
{
	char cmd[512];
	struct runner_result r;

	conf_run(mode, prog, variant, &r, cmd, sizeof(cmd));
	cr_expect_str_eq(r.out, want, "mode %s, variant %s (%s): %s: stderr: %s", mode, variant,
			 what, cmd, r.err);
	cr_expect_eq(r.status, status, "mode %s, variant %s (%s): %s", mode, variant, what, cmd);
	runner_free(&r);
}

/* A legacy mode on a program that differs there: the strict build must
 * fail (the difference is real: "NAME: FAIL case 1", status 1) and the
 * build for the legacy semantics must pass. */
static void conf_legacy_case(const char *mode, const char *prog, const char *variant)
{
	char want[128], legacy_variant[64];

	snprintf(want, sizeof(want), "%s: FAIL case 1\n", prog);
	conf_expect(mode, prog, variant, "strict build", want, 1);
	snprintf(legacy_variant, sizeof(legacy_variant), "%s.legacy", variant);
	snprintf(want, sizeof(want), "%s: pass\n", prog);
	conf_expect(mode, prog, legacy_variant, "legacy build", want, 0);
}

static void conf_case(const char *prog, const char *variant)
{
	char cmd[512], want_line[128];
	struct runner_result ref;
	int pv = !strcmp(variant, "pv");
	const char *const *modes = pv ? conf_pv_modes : conf_modes;
	size_t n_modes = pv ? sizeof(conf_pv_modes) / sizeof(conf_pv_modes[0])
			    : sizeof(conf_modes) / sizeof(conf_modes[0]);

	/* The reference: the bare interpreter must pass.  A pv build cannot
	 * run there (its hypercalls are refused), so its reference is u_4k,
	 * the same body in the same environment set up the ordinary way. */
	const char *ref_variant = pv ? "u_4k" : variant;
	conf_run("--mode=bare", prog, ref_variant, &ref, cmd, sizeof(cmd));
	snprintf(want_line, sizeof(want_line), "%s: pass\n", prog);
	cr_expect_str_eq(ref.out, want_line, "bare, variant %s: %s: stderr: %s", ref_variant, cmd,
			 ref.err);
	cr_expect_eq(ref.status, 0, "bare, variant %s: %s: stderr: %s", ref_variant, cmd, ref.err);

	for (size_t i = 0; i < n_modes; i++) {
		struct runner_result r;
		if (strstr(modes[i], "legacy") && conf_legacy_differs(prog, variant)) {
			conf_legacy_case(modes[i], prog, variant);
			continue;
		}
		conf_run(modes[i], prog, variant, &r, cmd, sizeof(cmd));
		cr_expect_str_eq(r.out, ref.out, "mode %s, variant %s: %s: stderr: %s", modes[i],
				 variant, cmd, r.err);
		cr_expect_eq(r.status, ref.status, "mode %s, variant %s: %s: stderr: %s", modes[i],
			     variant, cmd, r.err);
		/* The pv build set itself up by hypercalls (--stats counts them). */
		if (pv)
			cr_expect(strstr(r.err, "  hypercall "), "mode %s: no hypercalls: %s: %s",
				  modes[i], cmd, r.err);
		runner_free(&r);
	}
	runner_free(&ref);
}

#define CONF_VARIANT(prog, variant)         \
	Test(conf, prog##_##variant)        \
	{                                   \
		conf_case(#prog, #variant); \
	}
#include "tests/conf/programs.def"
#undef CONF_VARIANT

/* Every tests/conf/prog/NAME.S and tests/conf/priv/NAME.S has its row in
 * programs.def: a program left out there would never run. */
static const char *const conf_listed[] = {
#define CONF_VARIANT(prog, variant) #prog,
#include "tests/conf/programs.def"
#undef CONF_VARIANT
};

static void conf_check_listed(const char *dir)
{
	char cmd[256];
	struct runner_result r;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls %s", dir);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "cannot list %s: %s", dir, r.err);
	for (char *save = NULL, *f = strtok_r(r.out, "\n", &save); f;
	     f = strtok_r(NULL, "\n", &save), n++) {
		*strrchr(f, '.') = 0;
		int found = 0;
		for (size_t i = 0; i < sizeof(conf_listed) / sizeof(conf_listed[0]); i++)
			found |= !strcmp(conf_listed[i], f);
		cr_expect(found, "%s/%s.S is not in tests/conf/programs.def", dir, f);
	}
	cr_expect_gt(n, 0, "no programs in %s", dir);
	runner_free(&r);
}

Test(conf, programs_all_listed)
{
	conf_check_listed("tests/conf/prog");
	conf_check_listed("tests/conf/priv");
}
