/*
 * harness.c -- a fresh TRV32 hart per test, instruction encoders, and the
 * trap assertions every test file shares (see harness.h for the layout).
 */
#include "tests/cpu/harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

struct cpu th_cpu;
struct bus th_bus;
uint8_t *th_ram;

static uint32_t th_next_code; /* bump pointer in TH_CODE for th_prog */

void th_setup(void)
{
	th_ram = calloc(1, TH_RAM_SIZE);
	cr_assert_not_null(th_ram);
	bus_init(&th_bus);
	cr_assert_eq(cpu_init(&th_cpu, th_ram, TH_RAM_BASE, TH_RAM_SIZE, &th_bus), 0);
	cpu_reset(&th_cpu, TH_CODE, 0);
	/* Every trap entry point (base, and base + 4*cause when vectored)
	 * is a self-loop, so a trap leaves the pc where it entered. */
	for (uint32_t a = TH_TRAP; a < TH_TRAP + 0x100; a += 4)
		th_put32(a, ENC_LOOP);
	th_cpu.csr.stvec = TH_TRAP;
	/* Snippets start 8 KiB in, so backward branches of up to 4 KiB
	 * still land in RAM. */
	th_next_code = TH_CODE + 0x2000;
	th_clear_trap();
}

void th_teardown(void)
{
	cpu_destroy(&th_cpu);
	free(th_ram);
}

/* --- encoders: each field at the place the base formats give it --- */

uint32_t enc_r(enum insn_id id, unsigned rd, unsigned rs1, unsigned rs2)
{
	return insn_table[id].match | (rd & 31) << 7 | (rs1 & 31) << 15 | (rs2 & 31) << 20;
}

/* I: imm[11:0] in bits 31:20. */
uint32_t enc_i(enum insn_id id, unsigned rd, unsigned rs1, int32_t imm)
{
	return enc_r(id, rd, rs1, 0) | ((uint32_t)imm & 0xfff) << 20;
}

/* Shifts by a constant: shamt[4:0] in bits 24:20. */
uint32_t enc_sh(enum insn_id id, unsigned rd, unsigned rs1, unsigned shamt)
{
	return enc_r(id, rd, rs1, 0) | (shamt & 31) << 20;
}

/* S: imm[11:5] in 31:25, imm[4:0] in 11:7. */
uint32_t enc_s(enum insn_id id, unsigned rs1, unsigned rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return enc_r(id, 0, rs1, rs2) | (u >> 5 & 0x7f) << 25 | (u & 0x1f) << 7;
}

/* B: imm[12] in 31, imm[10:5] in 30:25, imm[4:1] in 11:8, imm[11] in 7. */
uint32_t enc_b(enum insn_id id, unsigned rs1, unsigned rs2, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return enc_r(id, 0, rs1, rs2) | (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 |
	       (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7;
}

/* U: imm[31:12] in 31:12. */
uint32_t enc_u(enum insn_id id, unsigned rd, uint32_t imm)
{
	return enc_r(id, rd, 0, 0) | (imm & 0xfffff000u);
}

/* J: imm[20] in 31, imm[10:1] in 30:21, imm[11] in 20, imm[19:12] in 19:12. */
uint32_t enc_j(enum insn_id id, unsigned rd, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return enc_r(id, rd, 0, 0) | (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 |
	       (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12;
}

/* Zicsr: csr in 31:20, rs1 (or zimm) in 19:15. */
uint32_t enc_csr(enum insn_id id, unsigned rd, unsigned csr, unsigned src)
{
	return enc_r(id, rd, src, 0) | (csr & 0xfff) << 20;
}

uint32_t enc_amo(enum insn_id id, unsigned rd, unsigned rs1, unsigned rs2)
{
	return enc_r(id, rd, rs1, id == INSN_lr_w ? 0 : rs2);
}

uint32_t enc_sys(enum insn_id id)
{
	return insn_table[id].match;
}

/* --- memory --- */

static void th_check_pa(uint32_t pa, uint32_t len)
{
	cr_assert(pa >= TH_RAM_BASE && pa - TH_RAM_BASE + len <= TH_RAM_SIZE,
		  "harness: %#x is not in RAM", pa);
}

void th_put32(uint32_t pa, uint32_t v)
{
	th_check_pa(pa, 4);
	uint8_t *p = th_ram + (pa - TH_RAM_BASE);
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i)); /* RISC-V is little-endian */
	cpu_code_written(&th_cpu, pa, 4);
}

uint32_t th_get32(uint32_t pa)
{
	th_check_pa(pa, 4);
	const uint8_t *p = th_ram + (pa - TH_RAM_BASE);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void th_put8(uint32_t pa, uint8_t v)
{
	th_check_pa(pa, 1);
	th_ram[pa - TH_RAM_BASE] = v;
	cpu_code_written(&th_cpu, pa, 1);
}

uint8_t th_get8(uint32_t pa)
{
	th_check_pa(pa, 1);
	return th_ram[pa - TH_RAM_BASE];
}

void th_load(uint32_t pa, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		th_put32(pa + 4 * (uint32_t)i, w[i]);
}

uint32_t th_prog(const uint32_t *w, size_t n)
{
	uint32_t at = th_next_code;
	cr_assert(at + 4 * (n + 1) <= TH_CODE + TH_CODE_SIZE, "harness: TH_CODE is full");
	th_load(at, w, n);
	th_put32(at + 4 * (uint32_t)n, ENC_LOOP);
	th_next_code = at + 4 * (uint32_t)(n + 1);
	th_cpu.pc = at;
	return at;
}

uint32_t th_exec(const uint32_t *w, size_t n)
{
	uint32_t at = th_prog(w, n);
	th_run(n);
	return at;
}

enum cpu_stop th_run(uint64_t n)
{
	return cpu_run(&th_cpu, n);
}

/* --- traps --- */

#define TH_NO_TRAP 0xdeadbeefu

void th_clear_trap(void)
{
	th_cpu.csr.scause = th_cpu.csr.sepc = th_cpu.csr.stval = TH_NO_TRAP;
}

void th_assert_exc(uint32_t cause, uint32_t epc, uint32_t tval)
{
	cr_assert_eq(th_cpu.csr.scause, cause, "scause %#x, expected %#x (%s)", th_cpu.csr.scause,
		     cause, cpu_cause_name(cause));
	cr_assert_eq(th_cpu.csr.sepc, epc, "sepc %#x, expected %#x", th_cpu.csr.sepc, epc);
	cr_assert_eq(th_cpu.csr.stval, tval, "stval %#x, expected %#x", th_cpu.csr.stval, tval);
	cr_assert_eq(th_cpu.csr.priv, PRIV_S, "traps are taken in S-mode");
	cr_assert_eq(th_cpu.pc, th_cpu.csr.stvec & ~3u, "exceptions go to stvec's BASE");
}

void th_assert_no_trap(void)
{
	cr_assert_eq(th_cpu.csr.scause, TH_NO_TRAP,
		     "unexpected trap: scause %#x (%s) sepc %#x stval %#x", th_cpu.csr.scause,
		     cpu_cause_name(th_cpu.csr.scause), th_cpu.csr.sepc, th_cpu.csr.stval);
}
