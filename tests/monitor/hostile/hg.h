/*
 * hg.h -- what the targeted hostile guests share (tests/monitor/hostile/):
 * the Sv32 bits, probes that touch an address and report what happened,
 * and the boot arguments.  Each guest is one C file with hg_main(); it
 * prints what it observed (values read, fault causes and stval), so the
 * transcript can be compared with the privileged spec and across modes.
 */
#ifndef TESTS_MONITOR_HOSTILE_HG_H
#define TESTS_MONITOR_HOSTILE_HG_H

#include <stdint.h>

#include "tests/guest/rt.h"

#define PTE_V	0x01u /* valid */
#define PTE_R	0x02u /* readable */
#define PTE_W	0x04u /* writable */
#define PTE_X	0x08u /* executable */
#define PTE_U	0x10u /* user */
#define PTE_A	0x40u /* accessed */
#define PTE_D	0x80u /* dirty */
#define PTE_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define PTE_RW	(PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* A PTE for physical address `pa` (34 bits: a uint64_t). */
#define PTE(pa, flags) ((uint32_t)(((uint64_t)(pa) >> 12) << 10) | (flags))
/* A pointer to the next-level table at `pa`. */
#define PTE_TABLE(pa)  PTE(pa, PTE_V)
#define SATP_SV32      (1u << 31)
#define SSTATUS_SUM    (1u << 18)
#define RAM	       0x80000000u

#define hg_sfence() __asm__ volatile("sfence.vma" ::: "memory")

/* The last trap the probes saw (hg_cause 0: none). */
extern volatile uint32_t hg_cause, hg_tval;

/* Touch `va` (a word load, store, or a jump to it) with faults caught:
 * a fault is recorded in hg_cause/hg_tval and the probe returns.  The
 * trap handler steps over a faulting load or store, and sends a faulting
 * fetch back to the probe's return address. */
uint32_t hg_load(uint32_t va);
void hg_store(uint32_t va, uint32_t v);
void hg_jump(uint32_t va);

/* "name: value 0x..." or "name: cause N stval 0x...", one line. */
void hg_report(const char *name, uint32_t value);
/* The three probes with a report each. */
void hg_probe_load(const char *name, uint32_t va);
void hg_probe_store(const char *name, uint32_t va, uint32_t v);
void hg_probe_jump(const char *name, uint32_t va);
/* All three at `va`, reported as "what load", "what store", "what fetch"
 * (the store writes 0x5a5a5a5a). */
void hg_probe_three(const char *what, uint32_t va);

/* Interrupts go to this hook, if set (scause without its top bit). */
extern void (*hg_irq)(uint32_t code, uint32_t *regs);

/* The decimal value of "key=N" in the boot arguments, or `dflt`. */
uint32_t hg_arg(const char *key, uint32_t dflt);

/* Each guest's main program (crt0 calls test_main, which saves the
 * device-tree pointer and calls this). */
void hg_main(void);

#endif
