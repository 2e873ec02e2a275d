/*
 * isadoc_test.c -- docs/isa.md lists exactly the instructions of
 * isa-toy/insns.def, and every CSR of csrs.def: the document a student
 * reads cannot drift from the machine.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/insn.h"

/* The first cells of the markdown table rows "| `name` | ..." in the doc. */
static int isadoc_names(char names[][24], int max)
{
	FILE *f = fopen("docs/isa.md", "r");
	cr_assert_not_null(f, "docs/isa.md missing");
	char line[512];
	int n = 0;
	bool in_insns = false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "## ", 3))
			in_insns = !strncmp(line, "## Instructions", 15);
		if (!in_insns || strncmp(line, "| `", 3))
			continue;
		char *end = strchr(line + 3, '`');
		size_t len = end ? (size_t)(end - (line + 3)) : 0;
		if (end && n < max && len < sizeof(names[0])) {
			memcpy(names[n], line + 3, len);
			names[n++][len] = 0;
		}
	}
	fclose(f);
	return n;
}

Test(isadoc, instruction_list_matches_the_table)
{
	static char names[256][24];
	int n = isadoc_names(names, 256);
	cr_expect_eq(n, INSN_COUNT - 1, "doc lists %d instructions, table has %d", n,
		     INSN_COUNT - 1);
	for (int id = 1; id < INSN_COUNT; id++) {
		bool found = false;
		for (int i = 0; i < n; i++)
			found |= !strcmp(names[i], insn_table[id].mnemonic);
		cr_expect(found, "%s is not in docs/isa.md", insn_table[id].mnemonic);
	}
	for (int i = 0; i < n; i++) {
		bool found = false;
		for (int id = 1; id < INSN_COUNT; id++)
			found |= !strcmp(names[i], insn_table[id].mnemonic);
		cr_expect(found, "docs/isa.md lists %s, which TRV32 lacks", names[i]);
	}
}

Test(isadoc, every_csr_is_documented)
{
	FILE *f = fopen("docs/isa.md", "r");
	cr_assert_not_null(f);
	static char doc[65536];
	size_t len = fread(doc, 1, sizeof(doc) - 1, f);
	doc[len] = 0;
	fclose(f);
	for (unsigned csr = 0; csr < 4096; csr++) {
		const char *name = insn_csr_name(csr);
		if (!name)
			continue;
		char want[40];
		snprintf(want, sizeof(want), "`%s`", name);
		cr_expect(strstr(doc, want), "CSR %s missing from docs/isa.md", name);
	}
}
