/*
 * cpu_csr.c -- reading and writing the S-mode CSRs, with the privileged
 * spec's access rules and side effects.
 *
 * The rules come from the CSR number itself (see csrs.def): bits 9:8 give
 * the lowest mode allowed, bits 11:10 == 3 mean read-only.  An access that
 * breaks a rule is illegal-instruction -- the trap that makes TRV32
 * strictly virtualizable: U-mode cannot even *read* sstatus.
 */
#include "isa-toy/cpu.h"

uint32_t cpu_sip(const struct cpu *cpu)
{
	uint32_t sip = cpu->sip_ssip;
	if (cpu_time(cpu) >= cpu->stimecmp)
		sip |= SIP_STIP; /* Sstc: the timer compares continuously */
	if (cpu->seip)
		sip |= SIP_SEIP;
	return sip;
}

/* May the current mode touch `csr` at all?  Counters are U-level CSRs,
 * but scounteren decides whether U-mode may read each. */
static bool cpu_csr_allowed(const struct cpu *cpu, unsigned csr)
{
	if (((csr >> 8) & 3) > (unsigned)cpu->priv)
		return false;
	if (cpu->priv == PRIV_U && csr >= 0xc00 && csr <= 0xc9f) {
		unsigned bit = csr & 0x1f; /* 0 cycle, 1 time, 2 instret */
		return bit < 3 && (cpu->scounteren >> bit) & 1;
	}
	return true;
}

int cpu_csr_read(struct cpu *cpu, unsigned csr, uint32_t *val)
{
	if (!cpu_csr_allowed(cpu, csr))
		return -1;
	switch (csr) {
	case 0x100: *val = cpu->sstatus; break;
	case 0x104: *val = cpu->sie; break;
	case 0x105: *val = cpu->stvec; break;
	case 0x106: *val = cpu->scounteren; break;
	case 0x140: *val = cpu->sscratch; break;
	case 0x141: *val = cpu->sepc; break;
	case 0x142: *val = cpu->scause; break;
	case 0x143: *val = cpu->stval; break;
	case 0x144: *val = cpu_sip(cpu); break;
	case 0x14d: *val = (uint32_t)cpu->stimecmp; break;
	case 0x15d: *val = (uint32_t)(cpu->stimecmp >> 32); break;
	case 0x180: *val = cpu->satp; break;
	case 0xc00: *val = (uint32_t)cpu_cycle(cpu); break;
	case 0xc01: *val = (uint32_t)cpu_time(cpu); break;
	case 0xc02: *val = (uint32_t)cpu->instret; break;
	case 0xc80: *val = (uint32_t)(cpu_cycle(cpu) >> 32); break;
	case 0xc81: *val = (uint32_t)(cpu_time(cpu) >> 32); break;
	case 0xc82: *val = (uint32_t)(cpu->instret >> 32); break;
	default: return -1; /* no such CSR */
	}
	return 0;
}

int cpu_csr_write(struct cpu *cpu, unsigned csr, uint32_t val)
{
	if (!cpu_csr_allowed(cpu, csr) || (csr >> 10) == 3)
		return -1; /* too privileged, or read-only */
	switch (csr) {
	case 0x100: {
		uint32_t old = cpu->sstatus;
		cpu->sstatus = (old & ~SSTATUS_WRITABLE) | (val & SSTATUS_WRITABLE);
		/* SUM and MXR change what translations allow: the TLB holds
		 * permission decisions, so forget them. */
		if ((old ^ cpu->sstatus) & (SSTATUS_SUM | SSTATUS_MXR))
			mmu_flush(cpu);
		break;
	}
	case 0x104: cpu->sie = val & SIE_MASK; break;
	case 0x105: cpu->stvec = val & ~2u; break; /* modes 2, 3 reserved: WARL */
	case 0x106: cpu->scounteren = val & 7u; break;
	case 0x140: cpu->sscratch = val; break;
	case 0x141: cpu->sepc = val & ~3u; break;  /* IALIGN=32 */
	case 0x142: cpu->scause = val; break;
	case 0x143: cpu->stval = val; break;
	case 0x144: cpu->sip_ssip = val & SIP_SSIP; break; /* STIP, SEIP read-only */
	case 0x14d: cpu->stimecmp = (cpu->stimecmp & ~0xffffffffull) | val; break;
	case 0x15d: cpu->stimecmp = (cpu->stimecmp & 0xffffffffull) | ((uint64_t)val << 32); break;
	case 0x180:
		cpu->satp = val;
		mmu_flush(cpu); /* a new address space: forget the old one */
		break;
	default: return -1;
	}
	return 0;
}
