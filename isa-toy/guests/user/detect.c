/*
 * detect -- the PUSHF/POPF problem, part 2: is the monitor invisible?
 * The kernel turns interrupts on and reads sstatus back (kernel/virt.c).
 */
#include "user/lib/ulib.h"

int main(void)
{
	int r = probe();
	printf("detect: the kernel set SIE and read sstatus back: SIE %s\n",
	       (r & 1) ? "set" : "CLEAR");
	printf("detect: %s\n",
	       (r & 1) ? "no monitor in sight" : "running deprivileged: a monitor is present");
	printf("detect: the kernel's code reads back %s\n", (r & 2) ? "as compiled" : "MODIFIED");
	return (r & 1) ? 0 : 3;
}
