/*
 * csr.c -- the rules of the privileged state (csr.h), shared by the
 * hardware hart and the monitor's vCPU.
 *
 * Access rules come from the CSR number itself (see csrs.def): bits 9:8
 * give the lowest mode allowed, bits 11:10 == 3 mean read-only.  An access
 * that breaks a rule is illegal-instruction -- the trap that makes TRV32
 * strictly virtualizable: U-mode cannot even *read* sstatus.
 */
#include "isa-toy/csr.h"

void csr_reset(struct csr_file *c)
{
	c->priv = PRIV_S;
	c->sstatus = c->sie = c->sip_ssip = c->stvec = c->scounteren = 0;
	c->sscratch = c->sepc = c->scause = c->stval = c->satp = 0;
	c->stimecmp = ~0ull; /* no timer until the guest sets one */
}

uint32_t csr_sip(const struct csr_file *c)
{
	uint32_t sip = c->sip_ssip;
	if (csr_time(c) >= c->stimecmp)
		sip |= SIP_STIP; /* Sstc: the timer compares continuously */
	if (c->seip)
		sip |= SIP_SEIP;
	return sip;
}

/* May the current mode touch `csr` at all?  Counters are U-level CSRs,
 * but scounteren decides whether U-mode may read each. */
static bool csr_allowed(const struct csr_file *c, unsigned csr)
{
	if (((csr >> 8) & 3) > (unsigned)c->priv)
		return false;
	if (c->priv == PRIV_U && csr >= 0xc00 && csr <= 0xc9f) {
		unsigned bit = csr & 0x1f; /* 0 cycle, 1 time, 2 instret */
		return bit < 3 && (c->scounteren >> bit) & 1;
	}
	return true;
}

int csr_read(struct csr_file *c, unsigned csr, uint32_t *val)
{
	if (!csr_allowed(c, csr))
		return -1;
	switch (csr) {
	case CSR_sstatus: *val = c->sstatus; break;
	case CSR_sie: *val = c->sie; break;
	case CSR_stvec: *val = c->stvec; break;
	case CSR_scounteren: *val = c->scounteren; break;
	case CSR_sscratch: *val = c->sscratch; break;
	case CSR_sepc: *val = c->sepc; break;
	case CSR_scause: *val = c->scause; break;
	case CSR_stval: *val = c->stval; break;
	case CSR_sip: *val = csr_sip(c); break;
	case CSR_stimecmp: *val = (uint32_t)c->stimecmp; break;
	case CSR_stimecmph: *val = (uint32_t)(c->stimecmp >> 32); break;
	case CSR_satp: *val = c->satp; break;
	case CSR_cycle: *val = (uint32_t)csr_cycle(c); break;
	case CSR_time: *val = (uint32_t)csr_time(c); break;
	case CSR_instret: *val = (uint32_t)c->instret; break;
	case CSR_cycleh: *val = (uint32_t)(csr_cycle(c) >> 32); break;
	case CSR_timeh: *val = (uint32_t)(csr_time(c) >> 32); break;
	case CSR_instreth: *val = (uint32_t)(c->instret >> 32); break;
	default: return -1; /* no such CSR */
	}
	return 0;
}

int csr_write(struct csr_file *c, unsigned csr, uint32_t val)
{
	if (!csr_allowed(c, csr) || (csr >> 10) == 3)
		return -1; /* too privileged, or read-only */
	uint32_t old;
	if (csr_read(c, csr, &old))
		return -1;
	switch (csr) {
	case CSR_sstatus:
		c->sstatus = (c->sstatus & ~SSTATUS_WRITABLE) | (val & SSTATUS_WRITABLE);
		break;
	case CSR_sie: c->sie = val & SIE_MASK; break;
	case CSR_stvec: c->stvec = val & ~2u; break; /* modes 2, 3 reserved: WARL */
	case CSR_scounteren: c->scounteren = val & 7u; break;
	case CSR_sscratch: c->sscratch = val; break;
	case CSR_sepc: c->sepc = val & ~3u; break; /* IALIGN=32 */
	case CSR_scause: c->scause = val; break;
	case CSR_stval: c->stval = val; break;
	case CSR_sip: c->sip_ssip = val & SIP_SSIP; break; /* STIP, SEIP read-only */
	case CSR_stimecmp: c->stimecmp = (c->stimecmp & ~0xffffffffull) | val; break;
	case CSR_stimecmph:
		c->stimecmp = (c->stimecmp & 0xffffffffull) | ((uint64_t)val << 32);
		break;
	case CSR_satp: c->satp = val; break;
	default: return -1;
	}
	if (c->changed)
		c->changed(c->ctx, csr, old);
	return 0;
}

/* Which of the six forms read and which write matters: csrrw with rd = x0
 * does not read, and csrrs/csrrc with rs1 = x0 (or zimm = 0) do not write
 * -- so `csrr` of a read-only CSR is legal while `csrw` to it is not. */
int csr_exec(struct csr_file *c, enum insn_id id, uint32_t w, uint32_t src, uint32_t *rd_val)
{
	unsigned csr = insn_csr(w);
	bool is_write = id == INSN_csrrw || id == INSN_csrrwi;
	bool is_set = id == INSN_csrrs || id == INSN_csrrsi;
	bool does_write = is_write || insn_rs1(w) != 0;
	uint32_t old = 0;

	if (c->legacy && c->priv == PRIV_U && csr == CSR_sstatus && (is_write || !does_write)) {
		/* The legacy machine's two sins, as IA-32's in a deprivileged
		 * kernel: a plain read of sstatus (PUSHF) is not privileged and
		 * shows the truth; a plain write (POPF: csrrw/csrrwi) is not
		 * privileged either and is silently dropped, SIE included.
		 * Setting or clearing bits (csrs/csrc: STI/CLI) still traps. */
		*rd_val = c->sstatus;
		return 0;
	}
	/* Read even when rd = x0: the CSR must exist and be accessible. */
	if (csr_read(c, csr, &old))
		return -1;
	if (does_write) {
		uint32_t new = is_write ? src : is_set ? (old | src) : (old & ~src);
		if (csr_write(c, csr, new))
			return -1;
	}
	*rd_val = old;
	return 0;
}

void csr_trap_enter(struct csr_file *c, uint32_t *pc, uint32_t cause, uint32_t tval)
{
	uint32_t s = c->sstatus;
	s = c->priv == PRIV_S ? (s | SSTATUS_SPP) : (s & ~SSTATUS_SPP);
	s = (s & SSTATUS_SIE) ? (s | SSTATUS_SPIE) : (s & ~SSTATUS_SPIE);
	s &= ~SSTATUS_SIE;
	c->sstatus = s;
	c->sepc = *pc;
	c->scause = cause;
	c->stval = tval;
	c->priv = PRIV_S;
	c->traps++;
	uint32_t base = c->stvec & ~3u;
	if ((c->stvec & STVEC_VECTORED) && (cause & CAUSE_INTERRUPT))
		*pc = base + 4 * (cause & ~CAUSE_INTERRUPT);
	else
		*pc = base;
}

void csr_sret(struct csr_file *c, uint32_t *pc)
{
	uint32_t s = c->sstatus;
	c->priv = (s & SSTATUS_SPP) ? PRIV_S : PRIV_U;
	s = (s & SSTATUS_SPIE) ? (s | SSTATUS_SIE) : (s & ~SSTATUS_SIE);
	s |= SSTATUS_SPIE;
	s &= ~SSTATUS_SPP;
	c->sstatus = s;
	*pc = c->sepc;
}

int csr_interrupt(const struct csr_file *c)
{
	uint32_t pending = csr_sip(c) & c->sie;
	if (!pending)
		return -1;
	/* In U-mode, S-mode interrupts are always enabled; in S-mode only
	 * while sstatus.SIE is set. */
	if (c->priv == PRIV_S && !(c->sstatus & SSTATUS_SIE))
		return -1;
	static const uint32_t by_priority[] = {
#define EXC(id, name, code)
#define IRQ(id, name, code) code,
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
	};
	for (unsigned i = 0; i < sizeof(by_priority) / sizeof(by_priority[0]); i++)
		if (pending & (1u << by_priority[i]))
			return (int)by_priority[i];
	return -1;
}

uint64_t csr_cycles_to_timer(const struct csr_file *c)
{
	uint64_t now = csr_cycle(c);
	if (c->stimecmp > UINT64_MAX / CPU_CYCLES_PER_TICK)
		return UINT64_MAX;
	uint64_t due = c->stimecmp * CPU_CYCLES_PER_TICK;
	return due > now ? due - now : 0;
}

bool csr_idle_to_timer(struct csr_file *c)
{
	if (!(c->sie & SIP_STIP))
		return false;
	uint64_t wait = csr_cycles_to_timer(c);
	if (wait == UINT64_MAX)
		return false;
	c->idle += wait;
	return true;
}

bool csr_timer_can_fire(const struct csr_file *c)
{
	return (c->sie & SIP_STIP) && (c->priv == PRIV_U || (c->sstatus & SSTATUS_SIE));
}

const char *cpu_cause_name(uint32_t cause)
{
	if (cause & CAUSE_INTERRUPT) {
		switch (cause & ~CAUSE_INTERRUPT) {
#define EXC(id, name, code)
#define IRQ(id, name, code) \
	case code:          \
		return name;
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
		}
	} else {
		switch (cause) {
#define EXC(id, name, code) \
	case code:          \
		return name;
#define IRQ(id, name, code)
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
		}
	}
	return "unknown";
}
