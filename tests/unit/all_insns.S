/* Every TRV32 instruction, with operands chosen to reach the corners of
 * each immediate field.  tests/unit/disasm_test.c disassembles this file's
 * ELF with trapvisor and with GNU objdump and compares line by line. */
	.text
	.globl _start
_start:
	lui x1, 0x0
	lui x31, 0xfffff
	auipc x10, 0x80000
	jal x1, _start
	jal x0, forward
	jalr x0, 0(x1)
	jalr x5, -2048(x31)
	jalr x6, 2047(x7)
	beq x1, x2, _start
	bne x3, x4, forward
	blt x5, x6, _start
	bge x7, x8, forward
	bltu x9, x10, _start
	bgeu x11, x12, forward
	lb x1, -2048(x2)
	lh x3, 2047(x4)
	lw x5, 0(x6)
	lbu x7, -1(x8)
	lhu x9, 100(x10)
	sb x1, -2048(x2)
	sh x3, 2047(x4)
	sw x5, -1(x6)
	addi x1, x2, -2048
	addi x0, x0, 0
	slti x3, x4, 2047
	sltiu x5, x6, -1
	xori x7, x8, -1
	ori x9, x10, 0x7ff
	andi x11, x12, -16
	slli x13, x14, 0
	slli x13, x14, 31
	srli x15, x16, 17
	srai x17, x18, 31
	add x1, x2, x3
	sub x4, x5, x6
	sll x7, x8, x9
	slt x10, x11, x12
	sltu x13, x14, x15
	xor x16, x17, x18
	srl x19, x20, x21
	sra x22, x23, x24
	or x25, x26, x27
	and x28, x29, x30
	fence
	fence rw, w
	fence i, o
	fence.i
	mul x1, x2, x3
	mulh x4, x5, x6
	mulhsu x7, x8, x9
	mulhu x10, x11, x12
	div x13, x14, x15
	divu x16, x17, x18
	rem x19, x20, x21
	remu x22, x23, x24
	lr.w x1, (x2)
	lr.w.aq x3, (x4)
	lr.w.aqrl x5, (x6)
	sc.w x1, x2, (x3)
	sc.w.rl x4, x5, (x6)
	amoswap.w x1, x2, (x3)
	amoadd.w.aq x4, x5, (x6)
	amoxor.w.rl x7, x8, (x9)
	amoand.w.aqrl x10, x11, (x12)
	amoor.w x13, x14, (x15)
	amomin.w x16, x17, (x18)
	amomax.w x19, x20, (x21)
	amominu.w x22, x23, (x24)
	amomaxu.w x25, x26, (x27)
	csrrw x0, sstatus, x10
	csrrs x10, sie, x0
	csrrc x11, stvec, x12
	csrrwi x1, scounteren, 31
	csrrsi x2, sscratch, 0
	csrrci x3, sepc, 1
	csrrs x4, scause, x0
	csrrs x5, stval, x0
	csrrs x6, sip, x0
	csrrs x7, 0x14d, x0
	csrrs x8, 0x15d, x0
	csrrw x9, satp, x10
	csrrs x10, cycle, x0
	csrrs x11, time, x0
	csrrs x12, instret, x0
	csrrs x13, cycleh, x0
	csrrs x14, timeh, x0
	csrrs x15, instreth, x0
	csrrs x16, 0x7c0, x0
	ecall
	ebreak
	sret
	wfi
	sfence.vma x0, x0
	sfence.vma x10, x0
	sfence.vma x10, x11
forward:
	.word 0x00000000
	.word 0xffffffff
	.word 0x0000000b
