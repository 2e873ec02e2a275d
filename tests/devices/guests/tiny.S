/*
 * tiny.S -- the smallest useful guest ELF for the loader tests: text, a
 * function with a label inside it, initialised data and .bss, and symbols
 * of every kind the loader keeps (function, object, untyped global).
 * It is loaded, never run.
 */
	.text
	.globl	_start
_start:				/* untyped global label: kept */
	jal	foo
1:	j	1b

	.globl	foo
	.type	foo, @function
foo:				/* a function of 12 bytes ... */
	li	a0, 1
	.globl	foo_inner
foo_inner:			/* ... with a global label inside it */
	addi	a0, a0, 1
	ret
	.size	foo, . - foo

	.data
	.globl	counter
	.type	counter, @object
counter:
	.word	0x12345678
	.size	counter, 4

	.bss
	.type	buf, @object	/* local object: kept too */
buf:
	.space	64
	.size	buf, 64
