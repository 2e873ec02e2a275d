/*
 * micro -- microbenchmarks in the style of Adams & Agesen (ASPLOS 2006):
 * one operation repeated N times, nothing else in the loop.
 *   micro:KIND[:N]   (default N = 1000; N = 0 runs no iteration)
 * prints exactly "micro: KIND done" and exits 0; an unknown KIND prints
 * "micro: unknown kind KIND" and exits 1.
 *
 * The benchmark driver runs each kind twice, with N1 and N2 iterations,
 * and divides the difference of the machine's counters (instructions,
 * traps) by N2 - N1.  That is only the cost of one iteration if
 *  - every iteration runs the same instructions: no printing in a loop,
 *    no branch that goes one way on some iterations and the other way on
 *    others (the loop's own test aside);
 *  - nothing before or after the loop depends on N: which is why the
 *    final line does not print N.
 *
 *   kind      one iteration
 *   call      a call of a function that returns its argument + 1
 *   syscall   getpid(): a round trip through the kernel
 *   mmio      (kernel) a read of the UART's line status register
 *   sstatus   (kernel) intr_restore(): a write of sstatus.SIE
 *   pgfault   a store to a fresh heap page: a demand-zero page fault
 *   ptewrite  (kernel) a store to a PTE of our page table
 *   ctxsw     yield() to a child that yields back: two switches
 *   spawn     spawn() a copy of micro that exits at once, and wait()
 * The (kernel) ones are loops inside the system call micro(kind, n)
 * (kernel/micro.c).  docs/kernel.md lists what each costs.
 */
#include "kernel/micro.h"
#include "user/lib/ulib.h"

#define MICRO_PAGE	4096
#define MICRO_DEFAULT_N 1000

/* micro_inc: the call/return baseline.  noinline keeps the call; the
 * empty asm hides x from the compiler, so it cannot work out the result
 * of the whole loop and drop the calls. */
__attribute__((noinline)) static int micro_inc(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

static int micro_call(int n, char *narg)
{
	(void)narg;
	int x = 0;
	for (int i = 0; i < n; i++)
		x = micro_inc(x);
	return x == n ? 0 : -1;
}

static int micro_syscall(int n, char *narg)
{
	(void)narg;
	for (int i = 0; i < n; i++)
		getpid();
	return 0;
}

/* The kernel loops: one system call, n iterations inside it. */
static int micro_mmio(int n, char *narg)
{
	(void)narg;
	return micro(MICRO_MMIO, n);
}

static int micro_sstatus(int n, char *narg)
{
	(void)narg;
	return micro(MICRO_SSTATUS, n);
}

static int micro_ptewrite(int n, char *narg)
{
	(void)narg;
	return micro(MICRO_PTEWRITE, n);
}

/* micro_pgfault: grow the heap by n pages (which maps nothing) and
 * store one byte to each, in order: each store faults once and the
 * kernel maps a zeroed page (umem_fault).  The pages are freed with the
 * process at exit, so their kfree() is part of the per-page cost too.
 * The heap begins in the first 4 MiB, whose second-level table the
 * program already uses: up to about 1000 pages no fault has to create
 * a table (each further 1024 pages need one). */
static int micro_pgfault(int n, char *narg)
{
	(void)narg;
	if (n > 0x7fffffff / MICRO_PAGE)
		return -1;
	volatile char *heap = sbrk(n * MICRO_PAGE);
	if (heap == (char *)-1)
		return -1;
	for (int i = 0; i < n; i++)
		heap[i * MICRO_PAGE] = 1;
	return 0;
}

/* micro_ctxsw: the parent and a child (kind ctxsw-child, the same n)
 * each yield n times.  With only the two runnable, every yield() switches
 * to the other one (through the scheduler: satp written, sfence.vma):
 * about 2n switches in all. */
static int micro_ctxsw(int n, char *narg)
{
	char *args[] = { "micro", "ctxsw-child", narg, 0 };
	int status;

	int pid = spawn("micro", args);
	if (pid < 0)
		return -1;
	for (int i = 0; i < n; i++)
		yield();
	if (wait(&status) != pid || status != 0)
		return -1;
	return 0;
}

static int micro_ctxsw_child(int n, char *narg)
{
	(void)narg;
	for (int i = 0; i < n; i++)
		yield();
	return 0;
}

/* micro_spawn: n times, create a process (a copy of micro that exits at
 * once) and reap it: process creation and teardown. */
static int micro_spawn(int n, char *narg)
{
	(void)narg;
	char *args[] = { "micro", "nop", 0 };
	int status;

	for (int i = 0; i < n; i++)
		if (spawn("micro", args) < 0 || wait(&status) < 0 || status != 0)
			return -1;
	return 0;
}

static int micro_nop(int n, char *narg)
{
	(void)n, (void)narg;
	return 0;
}

/* The kinds, by name.  `quiet` ones are internal (the other processes of
 * ctxsw and spawn): they print nothing. */
static const struct {
	const char *name;
	int (*run)(int n, char *narg);
	bool quiet;
} micro_kinds[] = {
	{ "call", micro_call, false },
	{ "syscall", micro_syscall, false },
	{ "mmio", micro_mmio, false },
	{ "sstatus", micro_sstatus, false },
	{ "pgfault", micro_pgfault, false },
	{ "ptewrite", micro_ptewrite, false },
	{ "ctxsw", micro_ctxsw, false },
	{ "spawn", micro_spawn, false },
	{ "ctxsw-child", micro_ctxsw_child, true },
	{ "nop", micro_nop, true },
};

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	char *narg = argc > 2 ? argv[2] : 0;
	int n = arg_int(argc, argv, 2, MICRO_DEFAULT_N);

	for (unsigned int k = 0; k < sizeof(micro_kinds) / sizeof(micro_kinds[0]); k++) {
		if (strcmp(kind, micro_kinds[k].name))
			continue;
		if (n < 0 || micro_kinds[k].run(n, narg) < 0) {
			printf("micro: %s failed\n", kind);
			return 1;
		}
		if (!micro_kinds[k].quiet)
			printf("micro: %s done\n", kind);
		return 0;
	}
	printf("micro: unknown kind %s\n", kind);
	return 1;
}
