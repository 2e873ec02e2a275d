/*
 * syscalls -- a tight loop of getpid() (the cheapest system call: pure
 * trap-and-return cost), then each system call's error cases.
 *   syscalls[:N]     (default N = 10000 getpid calls)
 */
#include "user/lib/ulib.h"

static int syscalls_failed;

static void syscalls_check(const char *what, int ok)
{
	printf("syscalls: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		syscalls_failed++;
}

/* syscalls_raw: a system call by number, for numbers with no stub. */
static int syscalls_raw(int num)
{
	register int a0 __asm__("a0") = 0;
	register int a7 __asm__("a7") = num;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

int main(int argc, char **argv)
{
	int n = arg_int(argc, argv, 1, 10000), me = getpid(), same = 0;
	char *nobody[] = { "nosuch", 0 };

	for (int i = 0; i < n; i++)
		same += getpid() == me;
	printf("syscalls: %d getpid calls, %d returned my pid\n", n, same);
	syscalls_check("write to a bad address fails", write(1, (void *)16, 4) == -1);
	syscalls_check("write to a kernel address fails", write(1, (void *)0x80000000, 4) == -1);
	syscalls_check("write to a bad fd fails", write(7, "x", 1) == -1);
	syscalls_check("read into a kernel address fails", read(0, (void *)0x80000000, 4) == -1);
	syscalls_check("read from a bad fd fails", read(5, &same, 4) == -1);
	syscalls_check("sbrk(0) twice agrees", sbrk(0) == sbrk(0));
	syscalls_check("sbrk below the heap fails", sbrk(-0x1000000) == (void *)-1);
	syscalls_check("spawn of an unknown program fails", spawn("nosuch", nobody) == -1);
	syscalls_check("wait without children fails", wait(0) == -1);
	syscalls_check("send to no such pid fails", send(9999, 1) == -1);
	syscalls_check("yield returns 0", yield() == 0);
	int t0 = uptime();
	syscalls_check("sleep(30) returns 0", sleep(30) == 0);
	syscalls_check("sleep(30) lasts at least 3 ticks", uptime() - t0 >= 3);
	syscalls_check("unknown system call 99 fails", syscalls_raw(99) == -1);
	printf("syscalls: %d failed\n", syscalls_failed);
	return syscalls_failed;
}
