/*
 * usys.S -- one stub per system call: put the number in a7 and `ecall`.
 * The arguments are already in a0..a2 (the C calling convention), and
 * the kernel leaves the result in a0.  Generated from syscalls.def.
 */
	.section .text
#define SYSCALL(num, name) \
	.globl name; name: li a7, num; ecall; ret;
#include "kernel/syscalls.def"
