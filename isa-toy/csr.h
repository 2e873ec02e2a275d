/*
 * csr.h -- the privileged state of a TRV32 hart as a value: the S-mode
 * CSRs, the privilege mode and the counters, with the spec's rules for
 * reading and writing them, entering traps, sret, and choosing which
 * interrupt to take.
 *
 * Two users run these same rules:
 *   - the hardware hart (cpu.c): its real privileged state;
 *   - the monitor's vCPU (core/): the *software copy* of the guest's
 *     privileged state, which trap-and-emulate operates on.
 * That is the lecture's "all instructions that reference privileged
 * processor state refer to a software copy" -- the copy obeys the very
 * rules the hardware obeys, because it is the same code.
 */
#ifndef ISA_TOY_CSR_H
#define ISA_TOY_CSR_H

#include <stdbool.h>
#include <stdint.h>

#include "isa-toy/insn.h"

/* Privilege modes, numbered as in sstatus.SPP and the spec. */
enum cpu_priv { PRIV_U = 0, PRIV_S = 1 };

/* CSR numbers, from csrs.def: CSR_sstatus, CSR_satp, ... */
enum csr_number {
#define CSR(id, name, num) CSR_##id = num,
#include "isa-toy/csrs.def"
#undef CSR
};

/* sstatus bits (RV32). */
#define SSTATUS_SIE	 (1u << 1)  /* S-mode interrupts enabled */
#define SSTATUS_SPIE	 (1u << 5)  /* SIE before the last trap */
#define SSTATUS_SPP	 (1u << 8)  /* mode before the last trap: 0 U, 1 S */
#define SSTATUS_SUM	 (1u << 18) /* S-mode may load/store U=1 pages */
#define SSTATUS_MXR	 (1u << 19) /* loads from X-only pages allowed */
#define SSTATUS_WRITABLE (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR)

/* sie / sip bits: one per interrupt cause. */
#define SIP_SSIP (1u << 1) /* software interrupt (sip: writable) */
#define SIP_STIP (1u << 5) /* timer: time >= stimecmp (read-only) */
#define SIP_SEIP (1u << 9) /* external: the PLIC's line (read-only) */
#define SIE_MASK (SIP_SSIP | SIP_STIP | SIP_SEIP)

/* satp (RV32):  31 | 30 .. 22 | 21 .. 0
 *              MODE|   ASID   |   PPN of the root page table */
#define SATP_MODE_SV32	(1u << 31)
#define SATP_ASID_SHIFT 22
#define SATP_ASID_MASK	0x1ffu
#define SATP_PPN_MASK	0x3fffffu

/* stvec: BASE in bits 31:2, MODE in 1:0 (0 direct, 1 vectored). */
#define STVEC_VECTORED 1u

/* scounteren bits: which counters U-mode may read. */
#define SCOUNTEREN_CY (1u << 0)
#define SCOUNTEREN_TM (1u << 1)
#define SCOUNTEREN_IR (1u << 2)

/* Cycles per tick of `time`: TRV32 is a 100 MHz, one-instruction-per-cycle
 * machine with a 10 MHz timebase.  Time is derived from the instruction
 * count, so every run of a guest is exactly repeatable. */
#define CPU_CYCLES_PER_TICK 10

/* Trap causes, from traps.def. */
enum cpu_exc {
#define EXC(id, name, code) EXC_##id = code,
#define IRQ(id, name, code)
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
};
enum cpu_irq {
#define EXC(id, name, code)
#define IRQ(id, name, code) IRQ_##id = code,
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
};
#define CAUSE_INTERRUPT (1u << 31)

struct csr_file {
	enum cpu_priv priv;
	uint32_t sstatus, sie, sip_ssip, stvec, scounteren;
	uint32_t sscratch, sepc, scause, stval, satp;
	uint64_t stimecmp;
	bool seip;	  /* the PLIC's S-mode context line */
	uint64_t instret; /* instructions retired */
	uint64_t idle;	  /* cycles spent in wfi (time still runs) */
	uint64_t traps;	  /* traps taken (csr_trap_enter calls) */
	/* --isa=legacy: TRV32 made not strictly virtualizable, the way IA-32
	 * is.  In U-mode, reading sstatus (csrr) does not trap and returns
	 * the real register (PUSHF shows the true IF); writing it (csrw) does
	 * not trap and changes nothing, SIE included (POPF silently ignores
	 * IF).  csrs/csrc of sstatus still trap (CLI/STI). */
	bool legacy;

	/* Called after a successful write, with the old value: the owner's
	 * side effects (the hardware flushes its TLB on satp; the monitor
	 * switches shadow tables).  May be NULL. */
	void (*changed)(void *ctx, unsigned csr, uint32_t old);
	void *ctx;
};

/* Reset: S-mode, CSRs 0, no timer (stimecmp all ones). */
void csr_reset(struct csr_file *c);

static inline uint64_t csr_cycle(const struct csr_file *c)
{
	return c->instret + c->idle;
}

/* Progress, for --max-insns and time slices: instructions retired plus
 * traps taken -- a trap retires nothing, and a guest caught in a loop of
 * traps must still use up its budget. */
static inline uint64_t csr_progress(const struct csr_file *c)
{
	return c->instret + c->traps;
}
static inline uint64_t csr_time(const struct csr_file *c)
{
	return csr_cycle(c) / CPU_CYCLES_PER_TICK;
}

/* sip as software reads it. */
uint32_t csr_sip(const struct csr_file *c);

/* Read or write one CSR with every access rule.  0, or -1 if illegal. */
int csr_read(struct csr_file *c, unsigned csr, uint32_t *val);
int csr_write(struct csr_file *c, unsigned csr, uint32_t val);

/* A whole csrrw/csrrs/csrrc/csrrwi/csrrsi/csrrci instruction `w` (id
 * `id`), with rs1's value `src`: performs the spec's read/write choice
 * and returns 0 with *rd_val (the old value), or -1 if illegal. */
int csr_exec(struct csr_file *c, enum insn_id id, uint32_t w, uint32_t src, uint32_t *rd_val);

/* The source operand of CSR instruction `w` (id `id`): the 5-bit
 * immediate of the *i forms (it sits in the rs1 field), else x[rs1]. */
static inline uint32_t csr_source(enum insn_id id, uint32_t w, const uint32_t *x)
{
	bool imm = id == INSN_csrrwi || id == INSN_csrrsi || id == INSN_csrrci;
	return imm ? insn_rs1(w) : x[insn_rs1(w)];
}

/* Enter the trap handler: sepc <- *pc, scause, stval, SPP/SPIE/SIE, mode
 * S, *pc <- stvec (vectored for interrupts). */
void csr_trap_enter(struct csr_file *c, uint32_t *pc, uint32_t cause, uint32_t tval);

/* sret: back to SPP's mode at sepc, SIE <- SPIE. */
void csr_sret(struct csr_file *c, uint32_t *pc);

/* The interrupt to take now (its cause code), or -1: pending in sip,
 * enabled in sie, and in S-mode only while sstatus.SIE. */
int csr_interrupt(const struct csr_file *c);

/* Does something pending end a wfi (enabled in sie, SIE or not)? */
static inline bool csr_wfi_wakes(const struct csr_file *c)
{
	return csr_sip(c) & c->sie;
}

/* Cycles until `time` reaches stimecmp (0 if it has), saturating at
 * UINT64_MAX when the timer is "never". */
uint64_t csr_cycles_to_timer(const struct csr_file *c);

/* In wfi with nothing pending: let time pass until the timer fires, if it
 * is enabled (idle cycles count in `cycle` and `time`, not `instret`).
 * Returns false if only an outside event (a device) can end the wait. */
bool csr_idle_to_timer(struct csr_file *c);

/* Could a timer interrupt be taken right now if it fired? */
bool csr_timer_can_fire(const struct csr_file *c);

/* Names from traps.def: "load-page-fault", "supervisor-timer-interrupt". */
const char *cpu_cause_name(uint32_t cause);

#endif
