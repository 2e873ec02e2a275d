/* sfence: after a PTE changes, sfence.vma makes the new translation the
 * one used -- for loads, for stores, for instruction fetches, in S and in
 * U, with rs1 = the address and rs1 = x0 (privileged spec, "Supervisor
 * Memory-Management Fence Instruction").  Whether the stale translation
 * is still used before the fence is up to the implementation: not
 * checked. */
#include "tests/conf/priv.h"

#define VA(idx) (PRIV_L0_VA + (idx) * 4096)
#define MAP(idx, page, flags) PRIV_PTE(t6, page, flags); PRIV_L0_SET(idx, t6)
#define RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
/* Case n: a0 must be `want`. */
#define CHECK_A0(n, want) li gp, n; li t6, want; bne a0, t6, conf_fail

PRIV_BEGIN
	MAP(1, page_a, RWX)
	MAP(2, page_a, RWX | PTE_U)
	PRIV_PAGING_ON

	/* Loads: page a, then b after sfence.vma VA, then a after a global one. */
	li a1, VA(1) + 8
	PROBE_S(1, CAUSE_OK, snip_load)
	CHECK_A0(2, 0x1111)
	MAP(1, page_b, RWX)
	sfence.vma a1
	PROBE_S(3, CAUSE_OK, snip_load)
	CHECK_A0(4, 0x2222)
	MAP(1, page_a, RWX)
	sfence.vma
	PROBE_S(5, CAUSE_OK, snip_load)
	CHECK_A0(6, 0x1111)
	/* Fetches: page a starts with `li a0, 1; ebreak`, b with 2. */
	li a1, VA(1)
	PROBE_S(7, CAUSE_OK, snip_exec)
	CHECK_A0(8, 1)
	MAP(1, page_b, RWX)
	sfence.vma a1
	PROBE_S(9, CAUSE_OK, snip_exec)
	CHECK_A0(10, 2)
	/* Stores go to the new page: write through VA, read page b directly. */
	li a1, VA(1) + 12
	li a2, 0x3333
	PROBE_S(11, CAUSE_OK, snip_store)
	la t4, page_b
	lw a0, 12(t4)
	CHECK_A0(12, 0x3333)
	/* An invalidated PTE faults after the fence... */
	li t6, 0
	PRIV_L0_SET(1, t6)
	sfence.vma
	PROBE_S(13, CAUSE_LOAD_PF, snip_load)
	/* ... and a PTE made valid again works after it. */
	MAP(1, page_a, RWX)
	sfence.vma a1
	PROBE_S(14, CAUSE_OK, snip_load)
	/* U-mode: the load and the fetch see the page the fence made current. */
	li a1, VA(2) + 8
	PROBE_U(15, CAUSE_OK, snip_load)
	CHECK_A0(16, 0x1111)
	MAP(2, page_b, RWX | PTE_U)
	sfence.vma a1
	PROBE_U(17, CAUSE_OK, snip_load)
	CHECK_A0(18, 0x2222)
	li a1, VA(2)
	PROBE_U(19, CAUSE_OK, snip_exec)
	CHECK_A0(20, 2)
	MAP(2, page_a, RWX | PTE_U)
	sfence.vma
	PROBE_U(21, CAUSE_OK, snip_exec)
	CHECK_A0(22, 1)
	/* Permissions too: the page made read-only faults on a store. */
	MAP(2, page_a, PTE_V | PTE_R | PTE_A | PTE_D | PTE_U)
	sfence.vma
	li a1, VA(2) + 12
	PROBE_U(23, CAUSE_STORE_PF, snip_store)
	j conf_pass

	PRIV_SNIPPETS
PRIV_END
	PRIV_HANDLER

	.data
	.align 12
page_a:
	li a0, 1	/* +0: what a fetch runs */
	ebreak
	.word 0x1111	/* +8: what a load reads */
	.space 4084
page_b:
	li a0, 2
	ebreak
	.word 0x2222
	.space 4084
