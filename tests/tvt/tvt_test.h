/*
 * tvt_test.h -- a TVT guest on the tests/cpu hart: a VMCS whose guest runs
 * code placed with th_prog, in non-root S-mode with its own stvec.
 *
 * Second-stage layout (tvt_s2_identity): guest-physical 0x80000000..
 * 0x800fffff maps 1:1 onto machine RAM through 4 KiB leaves, so that the
 * walk counts are the "every page 4 KiB" worst case; a test then unmaps
 * or remaps single pages.
 */
#ifndef TESTS_TVT_TVT_TEST_H
#define TESTS_TVT_TVT_TEST_H

#include "isa-toy/tvt.h"
#include "tests/cpu/harness.h"

#define S2_ROOT	   (TH_PT + 0x10000)  /* second-stage root table */
#define S2_L0	   (TH_PT + 0x11000)  /* ... its leaf table for 0x80000000+ */
#define G_ROOT	   (TH_PT + 0x12000)  /* the guest's own Sv32 root */
#define G_L0	   (TH_PT + 0x13000)  /* ... its leaf table for GVA 0x00400000+ */
#define HOST_PC	   (TH_CODE + 0xff00) /* where the root's pc sits */
#define GUEST_TRAP (TH_TRAP + 0x80)   /* the guest's stvec */

extern struct tvt_vmcs tv;

/* th_setup, then a VMCS: guest in S-mode, stvec GUEST_TRAP, VPID 1, no
 * controls set, no stage 2; the root hart parked at HOST_PC. */
void tvt_setup(void);

/* Point the guest at code (th_prog) without running it. */
uint32_t tvt_guest_prog(const uint32_t *w, size_t n);
#define TVT_PROG(...) tvt_guest_prog(TH_WORDS(__VA_ARGS__), TH_NWORDS(__VA_ARGS__))

/* Second stage on, identity over the test RAM with 4 KiB leaves. */
void tvt_s2_identity(void);
/* Set the second-stage leaf of guest-physical page `gpa` (0 = unmap). */
void tvt_s2_set(uint32_t gpa, uint32_t pte);

#endif
