/*
 * harness.h -- drive one TRV32 hart from a Criterion test.
 *
 * Every test runs in its own process (Criterion forks), on a fresh hart
 * with 1 MiB of RAM at 0x80000000 laid out as:
 *
 *   0x80000000 +-----------------------+
 *              | TH_CODE   64 KiB      |  test programs (th_exec allocates
 *              |                       |  each snippet at a fresh address)
 *   0x80010000 +-----------------------+
 *              | TH_TRAP   256 bytes   |  stvec: 64 `jal x0,0` self-loops,
 *              |                       |  so a trap (direct or vectored)
 *              |                       |  parks the pc on its entry point
 *   0x80020000 +-----------------------+
 *              | TH_DATA   64 KiB      |  scratch data for loads/stores
 *   0x80040000 +-----------------------+
 *              | TH_PT     page tables |  (Sv32 tests)
 *   0x80080000 +-----------------------+
 *              | TH_PAGES  pages       |  physical pages the Sv32 tests map
 *   0x80100000 +-----------------------+
 *
 * Nothing is mapped on the bus unless a test registers a device, so any
 * physical address outside RAM (e.g. TH_NOWHERE) is an access fault.
 *
 * The encoders below build instruction words from the RISC-V base formats
 * (unprivileged spec, 2.2-2.3) and the `match` of the instruction's row in
 * insns.def; encoder_test.c checks them against GNU as and the extractors.
 */
#ifndef TESTS_CPU_HARNESS_H
#define TESTS_CPU_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"
#include "isa-toy/cpu.h"
#include "isa-toy/insn.h"

#define TH_RAM_BASE  0x80000000u
#define TH_RAM_SIZE  (1u << 20)
#define TH_CODE	     (TH_RAM_BASE + 0x00000)
#define TH_CODE_SIZE 0x10000u
#define TH_TRAP	     (TH_RAM_BASE + 0x10000)
#define TH_DATA	     (TH_RAM_BASE + 0x20000)
#define TH_PT	     (TH_RAM_BASE + 0x40000)
#define TH_PAGES     (TH_RAM_BASE + 0x80000)
#define TH_NOWHERE   0x20000000u /* no RAM, no device */

/* The hart, its bus and its RAM, fresh in every test (th_setup). */
extern struct cpu th_cpu;
extern struct bus th_bus;
extern uint8_t *th_ram;

/* Criterion .init/.fini: a reset hart in S-mode, stvec = TH_TRAP (direct),
 * bare addressing, no timer, no firmware (ecall_s == NULL). */
void th_setup(void);
void th_teardown(void);

/* --- encoders (unprivileged spec 2.3, "Immediate Encoding Variants") --- */
uint32_t enc_r(enum insn_id id, unsigned rd, unsigned rs1, unsigned rs2);
uint32_t enc_i(enum insn_id id, unsigned rd, unsigned rs1, int32_t imm);
uint32_t enc_sh(enum insn_id id, unsigned rd, unsigned rs1, unsigned shamt);
/* S format: `sw rs2, imm(rs1)` is enc_s(INSN_sw, rs1, rs2, imm). */
uint32_t enc_s(enum insn_id id, unsigned rs1, unsigned rs2, int32_t imm);
uint32_t enc_b(enum insn_id id, unsigned rs1, unsigned rs2, int32_t off);
/* U format: `imm` is the 32-bit value whose low 12 bits are dropped. */
uint32_t enc_u(enum insn_id id, unsigned rd, uint32_t imm);
uint32_t enc_j(enum insn_id id, unsigned rd, int32_t off);
/* Zicsr: `src` is rs1, or the 5-bit zimm of the *i forms. */
uint32_t enc_csr(enum insn_id id, unsigned rd, unsigned csr, unsigned src);
/* A: `op rd, rs2, (rs1)` with aq = rl = 0; lr.w ignores rs2. */
uint32_t enc_amo(enum insn_id id, unsigned rd, unsigned rs1, unsigned rs2);
/* Fixed words. */
uint32_t enc_sys(enum insn_id id); /* ecall ebreak sret wfi fence.i */
#define ENC_LOOP 0x0000006fu	   /* jal x0, 0 */
#define ENC_NOP	 0x00000013u	   /* addi x0, x0, 0 */

/* --- memory, as the host sees it (physical addresses in RAM) --- */
void th_put32(uint32_t pa, uint32_t v);
uint32_t th_get32(uint32_t pa);
void th_put8(uint32_t pa, uint8_t v);
uint8_t th_get8(uint32_t pa);
/* Copy `n` words to `pa` (and tell the predecode cache). */
void th_load(uint32_t pa, const uint32_t *w, size_t n);

/* Put `n` words at a fresh address in TH_CODE followed by a `jal x0,0`
 * self-loop, point the pc at them, and return that address. */
uint32_t th_prog(const uint32_t *w, size_t n);
/* th_prog, then cpu_run for exactly `n` instructions; returns the start. */
uint32_t th_exec(const uint32_t *w, size_t n);
#define TH_WORDS(...)  ((const uint32_t[]){ __VA_ARGS__ })
#define TH_NWORDS(...) (sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
/* Run the listed instructions, one each (straight-line code). */
#define TH_RUN(...)    th_exec(TH_WORDS(__VA_ARGS__), TH_NWORDS(__VA_ARGS__))
/* Place the listed instructions without running them. */
#define TH_PROG(...)   th_prog(TH_WORDS(__VA_ARGS__), TH_NWORDS(__VA_ARGS__))

/* cpu_run with a budget; a trap parks the pc in TH_TRAP's loops, which
 * then use up the rest of the budget harmlessly. */
enum cpu_stop th_run(uint64_t n);

/* Clear scause/sepc/stval to a recognisable "no trap" state. */
void th_clear_trap(void);
/* Assert that exactly the exception `cause` was taken from `epc` with
 * stval `tval` and that the hart is now in S-mode at its handler. */
void th_assert_exc(uint32_t cause, uint32_t epc, uint32_t tval);
/* Assert that no trap was taken since th_clear_trap. */
void th_assert_no_trap(void);

/* --- Sv32 page tables (privileged spec, "Sv32") --- */
#define PTE_V (1u << 0) /* valid */
#define PTE_R (1u << 1) /* readable */
#define PTE_W (1u << 2) /* writable */
#define PTE_X (1u << 3) /* executable */
#define PTE_U (1u << 4) /* accessible to U-mode */
#define PTE_G (1u << 5) /* global */
#define PTE_A (1u << 6) /* accessed */
#define PTE_D (1u << 7) /* dirty */
/* A PTE pointing at physical address `pa` (PPN at bit 10). */
static inline uint32_t th_pte(uint32_t pa, uint32_t flags)
{
	return (pa >> 12) << 10 | flags;
}
/* satp for Sv32 with the root table at `pa`. */
static inline uint32_t th_satp(uint32_t pa)
{
	return SATP_MODE_SV32 | pa >> 12;
}

#endif
