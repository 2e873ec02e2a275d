/* ad: the accessed and dirty bits.  TRV32 updates them in hardware (the
 * Svadu behaviour, docs/isa.md), as QEMU does: an access that is allowed
 * sets A, a store also D, written back to the PTE in memory; an access
 * that faults changes neither.  (Privileged spec, "Sv32", step 7 of the
 * translation process.) */
#include "tests/conf/priv.h"

#define VA(idx) (PRIV_L0_VA + (idx) * 4096)
#define MAP(idx, flags) PRIV_PTE(t6, ad_page, flags); PRIV_L0_SET(idx, t6)
/* Case n: PTE idx's A and D bits must be `want`. */
#define CHECK_AD(n, idx, want)      \
	li gp, n;                   \
	la t4, priv_l0;             \
	lw a3, (idx) * 4(t4);       \
	andi a3, a3, PTE_A | PTE_D; \
	li t6, want;                \
	bne a3, t6, conf_fail

PRIV_BEGIN
	MAP(1, PTE_V | PTE_R | PTE_W | PTE_X)
	MAP(2, PTE_V | PTE_X)
	MAP(3, PTE_V | PTE_U | PTE_R | PTE_W)
	MAP(4, PTE_V | PTE_R)
	MAP(5, PTE_V | PTE_U | PTE_R | PTE_W)
	MAP(6, PTE_V | PTE_R | PTE_W)
	PRIV_PAGING_ON
	li a2, 0x00100073	/* stores write the ebreak that is there */

	/* S-mode: a load sets A only, a store then D (after the load, the
	 * translation may be cached read-only: the store must still set D). */
	CHECK_AD(1, 1, 0)
	li a1, VA(1)
	PROBE_S(2, CAUSE_OK, snip_load)
	CHECK_AD(3, 1, PTE_A)
	PROBE_S(4, CAUSE_OK, snip_store)
	CHECK_AD(5, 1, PTE_A | PTE_D)
	/* A fetch sets A. */
	li a1, VA(2)
	PROBE_S(6, CAUSE_OK, snip_exec)
	CHECK_AD(7, 2, PTE_A)
	/* A store on a fresh page sets both at once. */
	li a1, VA(6)
	PROBE_S(8, CAUSE_OK, snip_store)
	CHECK_AD(9, 6, PTE_A | PTE_D)
	/* U-mode, the same. */
	li a1, VA(3)
	PROBE_U(10, CAUSE_OK, snip_load)
	CHECK_AD(11, 3, PTE_A)
	PROBE_U(12, CAUSE_OK, snip_store)
	CHECK_AD(13, 3, PTE_A | PTE_D)
	/* Faults leave A and D alone: a store to a read-only page, a U-mode
	 * load of a supervisor page, an S-mode load of a user page. */
	li a1, VA(4)
	PROBE_S(14, CAUSE_STORE_PF, snip_store)
	CHECK_AD(15, 4, 0)
	PROBE_U(16, CAUSE_LOAD_PF, snip_load)
	CHECK_AD(17, 4, 0)
	li a1, VA(5)
	PROBE_S(18, CAUSE_LOAD_PF, snip_load)
	CHECK_AD(19, 5, 0)
	/* ... and once allowed (SUM), the S-mode store sets both. */
	li t6, SSTATUS_SUM
	csrs sstatus, t6
	PROBE_S(20, CAUSE_OK, snip_store)
	CHECK_AD(21, 5, PTE_A | PTE_D)
	li t6, SSTATUS_SUM
	csrc sstatus, t6
	/* Software clearing A and D (with sfence.vma): the next store sets
	 * them again. */
	MAP(1, PTE_V | PTE_R | PTE_W | PTE_X)
	li a1, VA(1)
	sfence.vma a1
	CHECK_AD(22, 1, 0)
	PROBE_S(23, CAUSE_OK, snip_store)
	CHECK_AD(24, 1, PTE_A | PTE_D)
	j conf_pass

	PRIV_SNIPPETS
PRIV_END
	PRIV_HANDLER

	.data
	.align 12
ad_page:
	.word 0x00100073	/* ebreak: fetches stop on it */
	.space 4092
