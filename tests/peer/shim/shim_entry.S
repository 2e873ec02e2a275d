/*
 * shim_entry.S -- an M-mode boot shim that lets QEMU's `virt` machine
 * (-bios none) boot the trapvisor teaching kernel exactly as trapvisor's
 * bare board does: the kernel starts in S-mode at 0x80000000 with
 * a0 = hart id, a1 = device tree, and finds an SBI firmware behind ecall.
 *
 * QEMU starts the hart in M-mode at 0x1000, whose code jumps to the
 * flash bank at 0x20000000 (us) with a0 = hart id and a1 = the DTB.
 */
#define KERNEL_ENTRY 0x80000000
#define MSTATUS_MPP_S (1 << 11)   /* mret goes to S-mode */
#define MENVCFGH_STCE (1 << 31)  /* menvcfg bit 63: Sstc's stimecmp on */
/* Exceptions S-mode handles itself: everything except ecall from S
 * (that is the SBI: ours) and ecall from M.  Bits: 0-8, 12, 13, 15. */
#define MEDELEG 0xb1ff
/* Interrupts: S-software, S-timer, S-external (bits 1, 5, 9). */
#define MIDELEG 0x222

	.section .text.entry
	.globl shim_start
shim_start:
	la sp, shim_stack_top
	csrw mscratch, sp          /* our trap stack, once the kernel runs */
	la t0, shim_trap
	csrw mtvec, t0
	li t0, MEDELEG
	csrw medeleg, t0
	li t0, MIDELEG
	csrw mideleg, t0
	csrw mie, zero             /* no M-mode interrupts: none are ours */
	/* PMP: one NAPOT region covering all of memory, R/W/X, so S and U
	 * modes may access everything (their page tables still apply). */
	li t0, -1
	csrw pmpaddr0, t0
	li t0, 0x1f                /* A = NAPOT, X, W, R */
	csrw pmpcfg0, t0
	/* Sstc: S-mode gets its own timer compare (stimecmp), and may read
	 * `time`, `cycle`, `instret` (mcounteren; scounteren for U). */
	li t0, MENVCFGH_STCE
	csrs 0x31a, t0             /* menvcfgh */
	li t0, 7
	csrw mcounteren, t0
	csrw satp, zero
	/* Into the kernel: mret to S-mode at KERNEL_ENTRY, a0/a1 kept. */
	li t0, MSTATUS_MPP_S
	csrw mstatus, t0
	li t0, KERNEL_ENTRY
	csrw mepc, t0
	mret

/*
 * The M-mode trap: only the kernel's SBI ecalls (and real surprises)
 * come here.  Save the registers on our stack, let C answer, return.
 */
	.balign 4
shim_trap:
	csrrw sp, mscratch, sp
	addi sp, sp, -128
	sw x1, 4(sp)
	sw x5, 20(sp)
	sw x6, 24(sp)
	sw x7, 28(sp)
	sw x10, 40(sp)
	sw x11, 44(sp)
	sw x12, 48(sp)
	sw x13, 52(sp)
	sw x14, 56(sp)
	sw x15, 60(sp)
	sw x16, 64(sp)
	sw x17, 68(sp)
	sw x28, 112(sp)
	sw x29, 116(sp)
	sw x30, 120(sp)
	sw x31, 124(sp)
	mv a0, sp
	call shim_handle
	lw x1, 4(sp)
	lw x5, 20(sp)
	lw x6, 24(sp)
	lw x7, 28(sp)
	lw x10, 40(sp)
	lw x11, 44(sp)
	lw x12, 48(sp)
	lw x13, 52(sp)
	lw x14, 56(sp)
	lw x15, 60(sp)
	lw x16, 64(sp)
	lw x17, 68(sp)
	lw x28, 112(sp)
	lw x29, 116(sp)
	lw x30, 120(sp)
	lw x31, 124(sp)
	addi sp, sp, 128
	csrrw sp, mscratch, sp
	mret
