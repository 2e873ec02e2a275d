/*
 * progs.S -- embed every user program (an ELF file, stripped) into the
 * kernel image, with a table { name, start, end } ending in zeros.
 * The build passes the folder of the ELF files with -Wa,-I.
 */
#define STR(x) #x

	.section .rodata.progs, "a"
#define PROG(n) prog_name_##n: .asciz STR(n); .balign 4; \
	prog_elf_##n: .incbin STR(n.elf); prog_end_##n: .balign 4;
#include "user/programs.def"
#undef PROG

	.balign 4
	.globl progs_table
progs_table:
#define PROG(n) .word prog_name_##n, prog_elf_##n, prog_end_##n;
#include "user/programs.def"
#undef PROG
	.word 0, 0, 0
