/*
 * critical -- the PUSHF/POPF problem, part 1: does the monitor know when
 * the kernel masks interrupts?  The kernel runs `rounds` critical
 * sections (kernel/virt.c) and reports how many the timer interrupted.
 *   critical[:ROUNDS]   (default 3)
 */
#include "user/lib/ulib.h"

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;
	unsigned r[2];
	if (critical(rounds, r) < 0) {
		printf("critical: the system call failed\n");
		return 1;
	}
	printf("critical: %d critical sections with interrupts masked\n", rounds);
	printf("critical: interrupted inside: %u, counter updates lost: %u\n", r[0], r[1]);
	if (r[0])
		printf("critical: the kernel masked interrupts and the timer came anyway:\n"
		       "critical: whoever delivers interrupts did not see the mask (POPF)\n");
	return r[0] ? 2 : 0;
}
