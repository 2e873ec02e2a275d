/*
 * table_test.c -- the instruction, CSR and trap tables are consistent:
 * no two encodings overlap, every row decodes to itself, and names are
 * unique.  (STYLE.md rule 2: test the tables.)
 */
#include <criterion/criterion.h>
#include <string.h>

#include "isa-toy/cpu.h"
#include "isa-toy/insn.h"

Test(table, no_two_encodings_overlap)
{
	/* Two rows overlap when some word matches both: on the bits both
	 * masks test, their match values agree. */
	for (int a = 1; a < INSN_COUNT; a++)
		for (int b = a + 1; b < INSN_COUNT; b++) {
			const struct insn_desc *x = &insn_table[a], *y = &insn_table[b];
			cr_expect_neq(x->mask & y->mask & (x->match ^ y->match), 0,
				      "%s and %s overlap", x->mnemonic, y->mnemonic);
		}
}

Test(table, every_row_decodes_to_itself)
{
	for (int id = 1; id < INSN_COUNT; id++) {
		const struct insn_desc *d = &insn_table[id];
		cr_expect_eq(d->match & ~d->mask, 0, "%s: match has bits outside mask",
			     d->mnemonic);
		cr_expect_eq((int)insn_decode(d->match), id, "%s does not decode to itself",
			     d->mnemonic);
		/* Flipping the free bits (outside the mask) keeps the id. */
		cr_expect_eq((int)insn_decode(d->match | ~d->mask), id, "%s: free bits matter",
			     d->mnemonic);
	}
}

Test(table, mnemonics_unique)
{
	for (int a = 1; a < INSN_COUNT; a++)
		for (int b = a + 1; b < INSN_COUNT; b++)
			cr_expect_str_neq(insn_table[a].mnemonic, insn_table[b].mnemonic);
}

Test(table, not_trv32_is_illegal)
{
	/* Compressed (low bits != 11), floating point, RV64-only and
	 * M-mode instructions are not TRV32. */
	static const uint32_t words[] = {
		0x00000000,			  /* all zeros: defined illegal */
		0xffffffff,			  /* all ones: defined illegal */
		0x4501,				  /* c.li a0,0 (compressed) */
		0x00052507,			  /* flw fa0,0(a0) */
		0x0005b503,			  /* ld a0,0(a1) (RV64) */
		0x30200073,			  /* mret */
		0x0000001b,			  /* addiw (RV64) */
		0x02a5053b,			  /* mulw (RV64) */
		0x00b51533 | 0x02000000 | 0x4000, /* a funct3/funct7 nobody owns? */
	};
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]) - 1; i++)
		cr_expect_eq(insn_decode(words[i]), INSN_ILLEGAL, "%#x decoded", words[i]);
}

Test(table, extractors)
{
	/* beq x1,x2,-4096 and jal x0,+1048574: the extremes of B and J. */
	uint32_t b = 0x80000063 | (1 << 15) | (2 << 20); /* imm[12]=1 only */
	cr_expect_eq(insn_imm_b(b), -4096);
	uint32_t j = 0x7ffff06f; /* imm = 0xffffe: bits 19..1 all set, 20 clear */
	cr_expect_eq(insn_imm_j(j), 1048574);
	cr_expect_eq(insn_imm_i(0xfff00013), -1);
	cr_expect_eq(insn_imm_s(0xfe000fa3), -1);
	cr_expect_eq(insn_imm_u(0xfffff037), (int32_t)0xfffff000);
	cr_expect_eq(insn_rd(0x00f00793), 15);
	cr_expect_eq(insn_rs1(0x000f8513), 31);
}

Test(table, csr_and_trap_names)
{
	cr_expect_str_eq(insn_csr_name(0x100), "sstatus");
	cr_expect_str_eq(insn_csr_name(0x14d), "stimecmp");
	cr_expect_str_eq(insn_csr_name(0xc82), "instreth");
	cr_expect_null(insn_csr_name(0x300)); /* mstatus: no M-mode */
	cr_expect_str_eq(cpu_cause_name(EXC_load_page_fault), "load-page-fault");
	cr_expect_str_eq(cpu_cause_name(CAUSE_INTERRUPT | IRQ_sti), "supervisor-timer-interrupt");
	cr_expect_str_eq(cpu_cause_name(14), "unknown");
}
