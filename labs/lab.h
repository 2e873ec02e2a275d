/*
 * lab.h -- what every lab's grader shares: one VM of the teaching kernel
 * on a real monitor, set up in-process so that a step's check can call
 * the student's code on crafted inputs (a crafted trap, a crafted guest
 * page table) and look at exactly what it did.
 */
#ifndef LABS_LAB_H
#define LABS_LAB_H

#include <stdint.h>

#include "core/monitor.h"

#define LAB_RAM	   (8u << 20)
#define LAB_KERNEL KRUN_BUILD "/guests/kernel.elf"

/* The grader's monitor and its one VM (the teaching kernel, loaded, not
 * run), its registers on the hart, in virtual S-mode, MMU off. */
extern struct monitor lab_mon;
extern struct vm *lab_vm;

/* Criterion .init / .fini of every unit-level suite (the trap-and-
 * emulate monitor). */
void lab_setup(void);
/* The same for another monitor: `kind`, and `paging` under MON_KIND_VT. */
void lab_setup_kind(enum mon_kind kind, enum mon_paging paging);
void lab_teardown(void);

/* The hart traps to the monitor with `cause` and `tval` at pc `pc`, as
 * cpu_run would hand it over: the monitor handles it (monitor_trap). */
void lab_trap(uint32_t cause, uint32_t tval, uint32_t pc);

/* Instruction words, from the RISC-V encoding. */
#define LAB_CSR(f3, rd, csr, rs1) \
	(((uint32_t)(csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73u)
#define LAB_CSRRW(rd, csr, rs1)	 LAB_CSR(1u, rd, csr, rs1)
#define LAB_CSRRS(rd, csr, rs1)	 LAB_CSR(2u, rd, csr, rs1)
#define LAB_CSRRC(rd, csr, rs1)	 LAB_CSR(3u, rd, csr, rs1)
#define LAB_CSRRWI(rd, csr, imm) LAB_CSR(5u, rd, csr, imm)
#define LAB_CSRRSI(rd, csr, imm) LAB_CSR(6u, rd, csr, imm)
#define LAB_CSRRCI(rd, csr, imm) LAB_CSR(7u, rd, csr, imm)
#define LAB_SRET		 0x10200073u

/* Guest page number `index` of the grader's scratch area (at the top of
 * guest RAM, which the kernel, loaded but not run, does not use), zeroed;
 * its guest-physical address. */
uint32_t lab_page(unsigned index);
/* Read and write one guest-physical word. */
uint32_t lab_peek(uint32_t gpa);
void lab_poke(uint32_t gpa, uint32_t val);

/* --- guest page tables, by hand --- */

/* A guest PTE mapping guest-physical `gpa` with `flags` (PTE_V...). */
static inline uint32_t lab_pte(uint32_t gpa, uint32_t flags)
{
	return ((gpa >> 12) << PTE_PPN_SHIFT) | flags;
}
/* The machine page behind guest-physical `gpa` (the VM's P -> R map). */
uint32_t lab_rppn(uint32_t gpa);
/* The current shadow's entry for `va` (0 if none). */
uint32_t lab_shadow_pte(uint32_t va);
/* The hardware missed in the shadow at `va` doing `access`, the vCPU in
 * its current mode: what spt_fault() decided. */
struct spt_fault lab_miss(uint32_t va, enum mmu_access access);
/* A miss that must fill the shadow: the entry installed for `va`. */
uint32_t lab_filled(uint32_t va, enum mmu_access access);
/* Make the guest's satp `root` (a page from lab_page), in mode `priv`
 * with `sstatus`, and its shadow current. */
void lab_satp(uint32_t root, enum cpu_priv priv, uint32_t sstatus);

/* The whole system: the teaching kernel with `bootargs` under `mode`
 * ("trap", or a mode and options: "bt --isa=legacy", "vt --paging=shadow"),
 * with `input` (a file of tests/kernel/expected/, or NULL) on its
 * console, must print what it prints on the bare machine (of the same
 * --isa), exit the same way and retire exactly as many instructions
 * (under "pv", the kernel built for it: only output and exit count).
 * Every run is bounded (bare by LAB_MAX_INSNS, `mode` by twice what bare
 * retired, pv by 8 times; a trap counts as one) and timed out after 60 s,
 * so a wrong monitor fails the check instead of hanging it. */
#define LAB_MAX_INSNS 400000000ull
void lab_equal_to_bare(const char *mode, const char *bootargs, const char *input);

#endif
