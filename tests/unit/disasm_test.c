/*
 * disasm_test.c -- trapvisor's disassembler against GNU objdump: every
 * instruction of a compiled program must print the same mnemonic and
 * operands as `riscv64-unknown-elf-objdump -d -M no-aliases,numeric`.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/insn.h"

/* Compare every instruction objdump lists in `elf`; returns how many. */
static int disasm_compare(const char *elf)
{
	char cmd[512], line[512];
	snprintf(cmd, sizeof(cmd), "riscv64-unknown-elf-objdump -d -M no-aliases,numeric %s", elf);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f, "cannot run objdump");
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		/* "80000004:\t00351513          \tslli\tx10,x10,0x3" */
		unsigned addr, word;
		char *tab;
		if (sscanf(line, " %x:\t%x", &addr, &word) != 2 || !(tab = strchr(line, '\t')))
			continue;
		tab = strchr(tab + 1, '\t');
		if (!tab)
			continue;
		char *want = tab + 1;
		want[strcspn(want, "\n")] = 0;
		/* objdump's annotations are not operands: drop the "<sym>" after
		 * branch targets and the "# address" it computes for auipc pairs. */
		char *note = strstr(want, " <");
		if (note)
			*note = 0;
		note = strstr(want, " #");
		if (note)
			*note = 0;
		char got[96];
		insn_disasm(word, addr, got, sizeof(got));
		cr_expect_str_eq(got, want, "at %#x word %#010x: trapvisor \"%s\", objdump \"%s\"",
				 addr, word, got, want);
		n++;
	}
	cr_assert_eq(pclose(f), 0, "objdump failed on %s", elf);
	return n;
}

Test(disasm, every_instruction_matches_objdump)
{
	int n = disasm_compare("build/tests/unit/all_insns.elf");
	/* all_insns.S has one line per form: make sure they were all seen. */
	cr_expect_geq(n, INSN_COUNT - 1, "only %d instructions compared", n);
}

Test(disasm, the_demo_kernel_matches_objdump)
{
	cr_expect_gt(disasm_compare("build/guests/kernel.elf"), 100);
}
