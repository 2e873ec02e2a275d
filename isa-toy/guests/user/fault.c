/*
 * fault -- do something a program may not, and be killed by the kernel.
 *   fault[:null]     store to address 0 (the unmapped guard page)
 *   fault:kernel     load from 0x80000000 (kernel memory, U=0)
 *   fault:priv       read sstatus: a privileged CSR (illegal in U-mode)
 */
#include "user/lib/ulib.h"

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "null";

	printf("fault: %s\n", how);
	if (!strcmp(how, "kernel")) {
		volatile int *p = (volatile int *)0x80000000;
		return *p;
	}
	if (!strcmp(how, "priv")) {
		unsigned int s;
		__asm__ volatile("csrr %0, sstatus" : "=r"(s));
		return (int)s;
	}
	/* Through a volatile, so the compiler cannot see it is NULL. */
	volatile unsigned long zero = 0;
	*(volatile int *)zero = 1;
	printf("fault: still alive?\n");
	return 0;
}
