/*
 * targeted_test.c -- the targeted hostile guests (tests/monitor/hostile/),
 * each in every mode: alone, and beside a victim VM.
 *
 * For each guest:
 *   - on the bare machine its transcript holds the lines the privileged
 *     spec predicts (fault causes, stval, values read) and it ends with the
 *     expected status;
 *   - under trap, bt (--isa=legacy), pv and vt (nested and shadow paging)
 *     the transcript, the status and the instructions retired are the
 *     bare machine's (the equivalence the modes promise);
 *   - beside the victim VM in one `trapvisor run`, the hostile VM's lines
 *     are its transcript alone, the victim's lines and instret are the
 *     victim's alone (its memory checked by itself), and it exits 0.
 * Every run is bounded by --max-insns and by the runner's timeout; a
 * signal or a hang fails.  And the monitor's peak memory does not grow
 * with the number of page-table churns a guest makes.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "tests/guest/runner.h"
#include "tests/monitor/contain.h"

#define HG_DIR "build/tests/monitor/hostile/"

/* The modes that promise the bare machine's behaviour. */
static const char *const hg_modes[] = {
	"--mode=trap",
	"--mode=bt --isa=legacy",
	"--mode=pv",
	"--mode=vt --paging=nested",
	"--mode=vt --paging=shadow",
};
#define HG_NMODES (sizeof(hg_modes) / sizeof(hg_modes[0]))

struct hg_run {
	struct runner_result r;
	uint64_t insns; /* VM 0's "instructions retired" */
};

static void hg_exec(const char *mode, const char *guest, const char *args, const char *max,
		    bool victim, struct hg_run *run)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run %s --mem 4M --max-insns %s --stats %s " HG_DIR "%s.elf%s", mode, max,
		 args, guest, victim ? " " HG_DIR "victim.elf" : "");
	runner_run(cmd, "", &run->r);
	cr_assert(run->r.status >= 0 && run->r.status < 128, "%s: killed (%d): %s", cmd,
		  run->r.status, run->r.err);
	const char *p = strstr(run->r.err, "instructions retired: ");
	cr_assert_not_null(p, "%s: no stats: %s", cmd, run->r.err);
	run->insns = strtoull(p + strlen("instructions retired: "), NULL, 10);
}

/* The lines of VM `id` in a several-VM transcript, without "[vmN] ". */
static char *hg_vm_lines(const char *out, int id)
{
	char tag[16], *res = calloc(1, strlen(out) + 1), *w = res;
	snprintf(tag, sizeof(tag), "[vm%d] ", id);
	for (const char *l = out; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l + 1) : strlen(l);
		if (!strncmp(l, tag, strlen(tag))) {
			memcpy(w, l + strlen(tag), len - strlen(tag));
			w += len - strlen(tag);
		}
		l += len;
	}
	*w = 0;
	return res;
}

/* One guest in every mode, alone and beside the victim.  `want` holds
 * lines the bare transcript must contain, separated by '|'. */
static void hg_case_in(const char *guest, const char *args, const char *max, int status,
		       const char *want, bool beside)
{
	struct hg_run bare, victim, run;
	hg_exec("--mode=bare", guest, args, max, false, &bare);
	cr_assert_eq(bare.r.status, status, "%s bare: status %d: %s", guest, bare.r.status,
		     bare.r.err);
	char *w = strdup(want);
	for (char *line = strtok(w, "|"); line; line = strtok(NULL, "|"))
		cr_expect(strstr(bare.r.out, line), "%s bare: no line '%s' in:\n%s", guest, line,
			  bare.r.out);
	free(w);
	hg_exec("--mode=bare", "victim", "", "100M", false, &victim);
	cr_assert_eq(victim.r.status, 0);
	cr_assert(strstr(victim.r.out, "memory intact"));

	for (size_t m = 0; m < HG_NMODES; m++) {
		hg_exec(hg_modes[m], guest, args, max, false, &run);
		cr_expect_str_eq(run.r.out, bare.r.out, "%s %s: transcript differs from bare",
				 guest, hg_modes[m]);
		cr_expect_eq(run.r.status, bare.r.status, "%s %s: status", guest, hg_modes[m]);
		cr_expect_eq(run.insns, bare.insns, "%s %s: %llu instructions, bare %llu", guest,
			     hg_modes[m], (unsigned long long)run.insns,
			     (unsigned long long)bare.insns);
		/* Stopped by --max-insns: after the same instructions and traps. */
		const char *stop = strstr(bare.r.err, "guest stopped after");
		if (stop) {
			size_t len = strcspn(stop, "\n");
			const char *got = strstr(run.r.err, "guest stopped after");
			cr_expect(got && !strncmp(got, stop, len), "%s %s: want '%.*s': %s", guest,
				  hg_modes[m], (int)len, stop, run.r.err);
		}
		runner_free(&run.r);
		if (!beside)
			continue;

		/* Beside the victim: the budget is shared, and VMs take turns
		 * of PLATFORM_SLICE (2M) instructions, the hostile VM first:
		 * give the victim its instructions and the hostile VM one
		 * more turn on top. */
		char both[32];
		snprintf(both, sizeof(both), "%llu",
			 strtoull(max, NULL, 10) * (strchr(max, 'M') ? 1000000ull : 1) +
			     victim.insns + 2000000ull);
		hg_exec(hg_modes[m], guest, args, both, true, &run);
		char *h = hg_vm_lines(run.r.out, 0), *v = hg_vm_lines(run.r.out, 1);
		cr_expect_str_eq(h, bare.r.out, "%s %s beside the victim: hostile transcript",
				 guest, hg_modes[m]);
		cr_expect_str_eq(v, victim.r.out, "%s %s: the victim's transcript changed", guest,
				 hg_modes[m]);
		cr_expect(strstr(run.r.err, "vm1 exited with status 0"),
			  "%s %s: the victim did not exit 0: %s", guest, hg_modes[m], run.r.err);
		cr_expect_eq(run.r.status, status, "%s %s beside the victim: status %d", guest,
			     hg_modes[m], run.r.status);
		free(h);
		free(v);
		runner_free(&run.r);
	}
	runner_free(&bare.r);
	runner_free(&victim.r);
}

static void hg_case(const char *guest, const char *args, const char *max, int status,
		    const char *want)
{
	hg_case_in(guest, args, max, status, want, true);
}

Test(targeted, pt_mmio)
{
	hg_case("pt_mmio", "", "1M", 0,
		"table at uart load: cause 5 stval 0x00400000|"
		"table at uart store: cause 7 stval 0x00400000|"
		"table at uart fetch: cause 1 stval 0x00400000|"
		"table at nothing load: cause 5 stval 0x00800000|"
		"table past ram store: cause 7 stval 0x00c00000|"
		"table at top fetch: cause 1 stval 0x01000000|"
		"leaf uart lsr: value 0x00000060|U\n|"
		"leaf uart fetch: cause 1 stval 0x01400000|"
		"leaf uart amoswap: cause 7 stval 0x01400000|"
		"leaf uart lr.w: cause 5 stval 0x01400000|"
		"leaf nothing load: cause 5 stval 0x01401000|"
		"leaf past ram store: cause 7 stval 0x01402000|"
		"leaf top fetch: cause 1 stval 0x01403000|"
		"mega uart lsr: value 0x00000060|"
		"mega uart+1M: cause 5 stval 0x01900000|"
		"mega uart fetch: cause 1 stval 0x01800000|"
		"mega past ram load: cause 5 stval 0x01c00000|done\n");
}

Test(targeted, pt_self)
{
	hg_case("pt_self", "", "1M", 0,
		"va: value 0x11111111|va after remap: value 0x22222222|"
		"0x40800000: value 0x22222222|va after self-store: value 0x11111111|"
		"store via read-only alias: cause 15 stval 0x40001000|"
		"recursive 0x200: reads RAM's first word|"
		"recursive 0x100: cause 13 stval 0x40500000|"
		"recursive 0x101: cause 13 stval 0x40501000|"
		"recursive 0x000: cause 5 stval 0x40400000|"
		"recursive 0x005: cause 13 stval 0x40405000|data intact");
}

Test(targeted, megapage)
{
	hg_case("megapage", "", "1M", 0,
		"ppn0=1 load: cause 13|ppn0=1 store: cause 15|ppn0=1 fetch: cause 12|"
		"ppn0=0x200 load: cause 13|read-only store: cause 15|read-only fetch: cause 12|"
		"invalid load: cause 13|w without r load: cause 13|user page load: cause 13|"
		"user page fetch: cause 12|user page with SUM: value|"
		"past everything load: cause 5 stval 0x42400000|"
		"straddle load: cause 13 stval 0x41fffffe|"
		"straddle store: cause 15 stval 0x41fffffe|straddle store wrote nothing|"
		"good straddle store: value 0x00000000|good straddle load: value 0xcafef00d");
}

#define PT_CODE_WANT                                                       \
	"probe runs: value 0x00000000|load via root[1]: value 0x00001234|" \
	"root[1] now 0x2000004f|probe after A: cause 2 stval 0x2000004f|"  \
	"root[1] now 0x200000cf|probe after D: cause 2 stval 0x200000cf|"  \
	"load via root[2]: cause 13 stval 0x00800000|slot 1 then 2|scratch 0x5678"

Test(targeted, pt_code)
{
	hg_case("pt_code", "", "1M", 0, PT_CODE_WANT);
}

/* The same, the word changed by the walk of an access the monitor
 * performs itself (a misaligned word across two pages): vm_guest_rw's
 * walk, not a shadow fill's. */
Test(targeted, pt_code_split)
{
	hg_case("pt_code", "--append split=1", "1M", 0, PT_CODE_WANT);
}

Test(targeted, smc)
{
	hg_case("smc", "", "1M", 0,
		"first 7\nsw, fence.i 9\nsw, no fence.i 11\nsb 27\namoswap 13\n"
		"misaligned sw 15\ninline 17\nloop sum 44850\ncsrr sscratch 1445\n");
}

Test(targeted, irqstorm)
{
	hg_case("irqstorm", "", "2M", 0,
		"timer interrupts 200|software interrupts 200|uart interrupts 200|busy timer");
}

/* Every stvec that faults: only --max-insns ends it, with the same
 * transcript, instructions and traps in every mode. */
Test(targeted, stvec_forever)
{
	for (int v = 0; v < 6; v++) {
		char args[32], want[32];
		snprintf(args, sizeof(args), "--append v=%d", v);
		snprintf(want, sizeof(want), "storm %d\n", v);
		/* Beside the victim (each run then takes two million
		 * traps): an access fault and a page fault. */
		hg_case_in("stvec_forever", args, "200000", 124, want, v == 1 || v == 4);
	}
}

Test(targeted, ptchurn)
{
	hg_case("ptchurn", "--append n=500", "5M", 0, "ptchurn\nsum ");
}

/* The monitor's peak resident memory (KiB) running ptchurn for n
 * iterations in `mode`: the child's own ru_maxrss, from wait4. */
static long hg_peak_kib(const char *mode, unsigned n)
{
	char narg[32], *argv[16];
	int argc = 0;
	char modes[64];
	snprintf(narg, sizeof(narg), "n=%u", n);
	snprintf(modes, sizeof(modes), "%s", mode);
	argv[argc++] = TV_BIN;
	argv[argc++] = "run";
	for (char *t = strtok(modes, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc++] = "--mem";
	argv[argc++] = "4M";
	argv[argc++] = "--append";
	argv[argc++] = narg;
	argv[argc++] = HG_DIR "ptchurn.elf";
	argv[argc] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	extern char **environ;
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	int st;
	struct rusage ru;
	cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s n=%u: status %#x", mode, n, st);
	return ru.ru_maxrss;
}

/* Churning page tables four times as long must not make the monitor
 * bigger: shadows are cached (at most 16 per VM) and their frames come
 * from a fixed pool.  N is large enough that the pool's rotating
 * allocator has touched every frame already (its RSS then stays flat:
 * under trap with --mem 4M that happens near N = 800). */
Test(targeted, ptchurn_memory_is_bounded)
{
	static const char *const modes[] = { "--mode=trap", "--mode=bt --isa=legacy",
					     "--mode=vt --paging=shadow",
					     "--mode=vt --paging=nested" };
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		long n1 = hg_peak_kib(modes[m], 1500), n4 = hg_peak_kib(modes[m], 6000);
		cr_expect_leq(n4, n1 + 2048, "%s: peak RSS %ld KiB at N, %ld KiB at 4N", modes[m],
			      n1, n4);
	}
}

/* The same guests inside the test process, beside a victim VM that
 * never runs and canary frames (contain.h): nothing outside the hostile
 * VM's own memory changes, and its shadows map only its own frames. */
Test(targeted, contained)
{
	static const struct {
		const char *elf, *bootargs;
	} guests[] = {
		{ HG_DIR "pt_mmio.elf", NULL },	       { HG_DIR "pt_self.elf", NULL },
		{ HG_DIR "megapage.elf", NULL },       { HG_DIR "pt_code.elf", NULL },
		{ HG_DIR "pt_code.elf", "split=1" },   { HG_DIR "smc.elf", NULL },
		{ HG_DIR "irqstorm.elf", NULL },       { HG_DIR "stvec_forever.elf", "v=1" },
		{ HG_DIR "stvec_forever.elf", "v=4" }, { HG_DIR "ptchurn.elf", "n=300" },
	};
	static const struct {
		enum mon_kind kind;
		enum mon_paging paging;
	} modes[] = {
		{ MON_KIND_TRAP, MON_PAGING_NESTED }, { MON_KIND_BT, MON_PAGING_NESTED },
		{ MON_KIND_PV, MON_PAGING_NESTED },   { MON_KIND_VT, MON_PAGING_NESTED },
		{ MON_KIND_VT, MON_PAGING_SHADOW },
	};
	for (size_t g = 0; g < sizeof(guests) / sizeof(guests[0]); g++)
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
			hostile_contain(guests[g].elf, guests[g].bootargs, -1, modes[m].kind,
					modes[m].paging, 1000000);
}
