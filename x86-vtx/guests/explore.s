/*
 * explore.s -- the sensitive-instruction explorer's guest (IA-32, 32-bit
 * protected mode, no paging), run by x86-vtx/explore.c.
 *
 * The monitor starts us in ring 0 with flat segments at `start` and EBX =
 * the mode:
 *   0  drop to ring 3 with IOPL 0, as a guest kernel runs under a classic
 *      (pre-VT) trap-and-emulate monitor: deprivileged
 *   1  stay in ring 0: under VT-x/AMD-V the guest kernel really is in
 *      ring 0 (of VMX non-root / SVM guest mode)
 *   2  as 0, with CR4.UMIP set first (User-Mode Instruction Prevention)
 *
 * Then every test runs one sensitive-but-unprivileged instruction (Robin &
 * Irvine, 2000) and stores what it saw.  A fault goes through our IDT to
 * trap_common (ring 0), which notes the vector and error code and resumes
 * after the instruction.  Before each test a store to MARK (an address
 * with no RAM) exits to the monitor with the test number, so the monitor
 * can count the VM exits the test itself caused.
 *
 * results[i] (16 bytes): +0 vector+1 of the fault (0: no fault),
 *                        +4 error code, +8 value seen, +12 second value
 *
 * Selectors (GDT at `gdt`):
 *   0x08 ring-0 code   0x10 ring-0 data   0x1b ring-3 code   0x23 ring-3 data
 *   0x28 TSS (ESP0 for faults from ring 3)   0x30 an LDT (so SLDT shows one)
 */
	.set MARK, 0xf0000000   /* MMIO: exit to the monitor */
	.set DONE, 0xffffffff   /* the value stored at MARK when all tests ran */
	.set KCODE, 0x08
	.set KDATA, 0x10
	.set UCODE, 0x1b
	.set UDATA, 0x23
	.set TSSSEL, 0x28
	.set LDTSEL, 0x30
	.set CR4_UMIP, 1 << 11
	.set NTESTS, 19

	.code32
	.text
	.globl start
start:
	jmp real_start
	.balign 4
header:                         /* read by the monitor */
	.ascii "TVEX"
	.long NTESTS
	.long results
	.long 0

real_start:
	lgdt gdt_desc
	ljmp $KCODE, $1f
1:	movw $KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $stack0_top, %esp

	/* The IDT: every vector to stub_other, then 0-31 and 0x80 to
	 * their own stubs.  All gates are 32-bit interrupt gates, DPL 0:
	 * "INT n" from ring 3 then faults (#GP), as for a guest kernel's
	 * system-call gate under a deprivileging monitor. */
	xorl %ecx, %ecx
2:	movl $stub_other, %eax
	cmpl $32, %ecx
	jae 3f
	movl stub_table(,%ecx,4), %eax
3:	cmpl $0x80, %ecx
	jne 4f
	movl $stub_128, %eax
4:	movl %eax, %edx
	andl $0xffff, %eax
	orl $(KCODE << 16), %eax        /* offset 15:0, selector */
	andl $0xffff0000, %edx
	orl $0x8e00, %edx               /* P=1 DPL=0 type=0xe, offset 31:16 */
	movl %eax, idt(,%ecx,8)
	movl %edx, idt+4(,%ecx,8)
	incl %ecx
	cmpl $256, %ecx
	jne 2b
	lidt idt_desc

	/* TSS and LDT descriptors need our addresses, patched in here. */
	movl $tss, %eax
	movw %ax, gdt+TSSSEL+2
	shrl $16, %eax
	movb %al, gdt+TSSSEL+4
	movb %ah, gdt+TSSSEL+7
	movl $ldt, %eax
	movw %ax, gdt+LDTSEL+2
	shrl $16, %eax
	movb %al, gdt+LDTSEL+4
	movb %ah, gdt+LDTSEL+7
	movl $stack0_top, tss+4         /* ESP0 */
	movl $KDATA, tss+8              /* SS0 */
	movw $TSSSEL, %ax
	ltr %ax
	movw $LDTSEL, %ax
	lldt %ax

	cmpl $1, %ebx
	jne 7f
	sti                             /* mode 1: stay in ring 0, IF=1 as in */
	jmp run_tests                   /* ring 3 (no interrupt controller: */
7:	cmpl $2, %ebx                   /* nothing will interrupt us) */
	jne 5f
	movl %cr4, %eax                 /* mode 2: UMIP on */
	orl $CR4_UMIP, %eax
	movl %eax, %cr4
5:	/* To ring 3 the only way there is: IRET with a ring-3 frame. */
	movw $UDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	pushl $UDATA                    /* SS */
	pushl $stack3_top               /* ESP */
	pushl $0x202                    /* EFLAGS: IF=1, IOPL=0 */
	pushl $UCODE                    /* CS */
	pushl $run_tests                /* EIP */
	iret

/* BEGIN n: note which test runs and where to resume after a fault, exit to
 * the monitor once, and poison EAX so a faulted test shows no stale value. */
.macro BEGIN n
	movl $\n, cur_test
	movl $9f, cur_resume
	movl $\n, MARK
	movl $0xdeadbeef, %eax
	xorl %edx, %edx
.endm
/* END n: the instruction is done (or faulted and we resumed at 9:). */
.macro END n
9:	movl %eax, results+16*\n+8
	movl %edx, results+16*\n+12
.endm

run_tests:
	/* 0 PUSHF: the flags as the CPU has them -- IOPL and the real IF. */
	BEGIN 0
	pushfl
	popl %eax
	END 0
	/* 1 POPF: try to clear IF.  At CPL > IOPL the CPU silently keeps IF. */
	BEGIN 1
	pushfl
	popl %ecx
	movl %ecx, %eax
	andl $~0x200, %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx                      /* put IF back as it was */
	popfl
	END 1
	/* 2 SGDT, 3 SIDT: the descriptor tables' base and limit. */
	BEGIN 2
	sgdt dtbuf
	movl dtbuf+2, %eax
	movzwl dtbuf, %edx
	END 2
	BEGIN 3
	sidt dtbuf
	movl dtbuf+2, %eax
	movzwl dtbuf, %edx
	END 3
	/* 4 SLDT, 5 SMSW, 6 STR: LDTR, the low half of CR0, TR. */
	BEGIN 4
	sldt %ax
	movzwl %ax, %eax
	END 4
	BEGIN 5
	smsw %eax
	END 5
	BEGIN 6
	str %ax
	movzwl %ax, %eax
	END 6
	/* 7 LAR, 8 LSL on the ring-0 code selector: they answer only if
	 * the descriptor's DPL >= CPL; ZF tells (EDX = 1 if ZF). */
	BEGIN 7
	movl $KCODE, %ecx
	lar %ecx, %eax
	setz %dl
	END 7
	BEGIN 8
	movl $KCODE, %ecx
	lsl %ecx, %eax
	setz %dl
	END 8
	/* 9 VERR, 10 VERW on the ring-0 data selector. */
	BEGIN 9
	movw $KDATA, %cx
	verr %cx
	setz %dl
	movl %edx, %eax
	END 9
	BEGIN 10
	movw $KDATA, %cx
	verw %cx
	setz %dl
	movl %edx, %eax
	END 10
	/* 11 PUSH CS: the low two bits of CS are the CPL. */
	BEGIN 11
	pushl %cs
	popl %eax
	END 11
	/* 12 POP DS with the ring-0 data selector. */
	BEGIN 12
	mov %ds, %ecx
	pushl $KDATA
	popl %ds
	mov %ds, %eax
	mov %ecx, %ds
	END 12
	/* 13 MOV from SS: its RPL is the CPL too. */
	BEGIN 13
	mov %ss, %eax
	END 13
	/* 14 far CALL, 15 far JMP, 16 far RET into the ring-0 code segment. */
	BEGIN 14
	lcall $KCODE, $far_call_target
	END 14
	BEGIN 15
	ljmp $KCODE, $far_jmp_target
far_jmp_back:
	END 15
	BEGIN 16
	pushl $KCODE
	pushl $far_ret_target
	lret
far_ret_back:
	END 16
	/* 17 INT 0x80: through a DPL-0 gate. */
	BEGIN 17
	int $0x80
	movl $0x80, %eax
	END 17
	/* 18 CLI: privileged at CPL > IOPL -- the contrast to POPF. */
	BEGIN 18
	cli
	pushfl
	popl %eax
	sti
	END 18

	movl $DONE, MARK
6:	jmp 6b

far_call_target:
	movl $0xfa11ca11, %eax
	lret
far_jmp_target:
	movl $0xfa11a111, %eax
	jmp far_jmp_back
far_ret_target:
	movl $0xfa11be7, %eax
	jmp far_ret_back

/* Fault entry: a uniform frame [vector][error][eip][cs][eflags]... */
.macro STUB n, err
stub_\n:
	.if \err == 0
	pushl $0
	.endif
	pushl $\n
	jmp trap_common
.endm
	.irp n, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,29,30,31
	STUB \n, 0
	.endr
	.irp n, 8,10,11,12,13,14,17,21
	STUB \n, 1
	.endr
	STUB 128, 0
stub_other:                             /* any other vector: noted as 0xff */
	pushl $0
	pushl $0xff
	jmp trap_common

trap_common:
	pushl %eax
	pushl %ebx
	movl %ss:cur_test, %ebx
	shll $4, %ebx
	movl 8(%esp), %eax              /* vector */
	incl %eax
	movl %eax, %ss:results(%ebx)
	movl 12(%esp), %eax             /* error code */
	movl %eax, %ss:results+4(%ebx)
	movl %ss:cur_resume, %eax       /* resume after the instruction */
	movl %eax, 16(%esp)
	popl %ebx
	popl %eax
	addl $8, %esp
	iret

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff        /* 0x08 ring-0 code, 32-bit, flat */
	.quad 0x00cf93000000ffff        /* 0x10 ring-0 data */
	.quad 0x00cffb000000ffff        /* 0x18 ring-3 code (DPL 3) */
	.quad 0x00cff3000000ffff        /* 0x20 ring-3 data */
	.quad 0x0000890000000067        /* 0x28 32-bit TSS, limit 0x67 (base patched) */
	.quad 0x0000820000000007        /* 0x30 LDT, one null entry (base patched) */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.balign 8
idt_desc:
	.word 256 * 8 - 1
	.long idt
stub_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long stub_\n
	.endr
cur_test:	.long 0
cur_resume:	.long 0
dtbuf:		.fill 8, 1, 0
	.balign 16
results:	.fill NTESTS * 16, 1, 0
	.balign 8
ldt:		.quad 0
	.balign 16
tss:		.fill 0x68, 1, 0
	.balign 8
idt:		.fill 256 * 8, 1, 0
	.balign 16
		.fill 1024, 1, 0
stack3_top:
		.fill 1024, 1, 0
stack0_top:
