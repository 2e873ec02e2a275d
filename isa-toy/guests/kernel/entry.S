/*
 * entry.S -- the first instructions.  The firmware (trapvisor's, or the
 * QEMU shim) enters here in S-mode with paging off,
 *   a0 = hart id, a1 = physical address of the device tree.
 * All we need before C is a zeroed .bss and a stack; kmain(a0, a1)
 * does the rest.  (Loaders zero .bss too; doing it here costs nothing
 * and does not depend on them.)
 */
	.section .text.entry
	.globl _start
_start:
	la t0, bss_start
	la t1, bss_end
1:	bgeu t0, t1, 2f
	sw zero, 0(t0)
	addi t0, t0, 4
	j 1b
2:	la sp, boot_stack_top
	call kmain
3:	j 3b                    /* kmain never returns */

	.section .bss
	.balign 16
boot_stack:
	.space 8192             /* the boot stack, later the scheduler's */
	.globl boot_stack_top
boot_stack_top:
