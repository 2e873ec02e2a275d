/* pagefault: Sv32 permissions, from S and from U, for every R/W/X/U/V
 * combination of a 4 KiB page (a load, a store and a fetch each, the
 * fault cause and stval); reserved W-without-R encodings; a level-0
 * pointer; a misaligned and an aligned megapage; sstatus.SUM and MXR.
 * (The privileged spec, "Sv32", "Virtual Address Translation Process".) */
#include "tests/conf/priv.h"

#define EBREAK 0x00100073
#define VA(idx) (PRIV_L0_VA + (idx) * 4096)
/* Page idx of the level-0 table maps pf_page with `flags`. */
#define MAP(idx, flags) PRIV_PTE(t6, pf_page, flags); PRIV_L0_SET(idx, t6)
/* Cases n..n+2: load, store, fetch of page idx from S or U. */
#define S3(n, idx, l, s, x)       \
	li a1, VA(idx);           \
	li a2, EBREAK;            \
	PROBE_S(n, l, snip_load); \
	PROBE_S(n + 1, s, snip_store); \
	PROBE_S(n + 2, x, snip_exec)
/* The fetch first: see cases 84 and 85. */
#define S3X(n, idx, l, s, x)      \
	li a1, VA(idx);           \
	li a2, EBREAK;            \
	PROBE_S(n + 2, x, snip_exec); \
	PROBE_S(n, l, snip_load); \
	PROBE_S(n + 1, s, snip_store)
#define U3(n, idx, l, s, x)       \
	li a1, VA(idx);           \
	li a2, EBREAK;            \
	PROBE_U(n, l, snip_load); \
	PROBE_U(n + 1, s, snip_store); \
	PROBE_U(n + 2, x, snip_exec)
#define AD (PTE_V | PTE_A | PTE_D)
#define OK CAUSE_OK
#define LPF CAUSE_LOAD_PF
#define SPF CAUSE_STORE_PF
#define FPF CAUSE_FETCH_PF

PRIV_BEGIN
	MAP(1, AD | PTE_R)
	MAP(2, AD | PTE_R | PTE_W)
	MAP(3, AD | PTE_X)
	MAP(4, AD | PTE_R | PTE_X)
	MAP(5, AD | PTE_R | PTE_W | PTE_X)
	MAP(6, AD | PTE_W)		/* reserved: W without R */
	MAP(7, AD | PTE_W | PTE_X)	/* reserved */
	MAP(8, PTE_A | PTE_D | PTE_R | PTE_W | PTE_X) /* V clear */
	MAP(9, AD | PTE_U | PTE_R)
	MAP(10, AD | PTE_U | PTE_R | PTE_W)
	MAP(11, AD | PTE_U | PTE_X)
	MAP(12, AD | PTE_U | PTE_R | PTE_W | PTE_X)
	MAP(13, PTE_V)			/* a pointer where a leaf must be */
	MAP(14, AD | PTE_U | PTE_W)	/* reserved, user */
	PRIV_PAGING_ON

	/* Supervisor pages from S. */
	S3(1, 1, OK, SPF, FPF)
	S3(4, 2, OK, OK, FPF)
	S3(7, 3, LPF, SPF, OK)
	S3(10, 4, OK, SPF, OK)
	S3(13, 5, OK, OK, OK)
	S3(16, 6, LPF, SPF, FPF)
	S3(19, 7, LPF, SPF, FPF)
	S3(22, 8, LPF, SPF, FPF)
	S3(25, 13, LPF, SPF, FPF)
	/* User pages from S without SUM: no access, never a fetch. */
	S3(28, 9, LPF, SPF, FPF)
	S3(31, 12, LPF, SPF, FPF)
	/* Supervisor pages from U: nothing. */
	U3(34, 1, LPF, SPF, FPF)
	U3(37, 5, LPF, SPF, FPF)
	/* User pages from U. */
	U3(40, 9, OK, SPF, FPF)
	U3(43, 10, OK, OK, FPF)
	U3(46, 11, LPF, SPF, OK)
	U3(49, 12, OK, OK, OK)
	U3(52, 14, LPF, SPF, FPF)
	U3(55, 8, LPF, SPF, FPF)

	/* What a fault reports: stval = the address, sepc = the instruction
	 * (S: its own address; U: its user alias). */
	li a1, VA(1) + 8
	PROBE_S(58, SPF, snip_store)
	CHECK_WORD(priv_tval, a1)
	la t6, snip_store
	CHECK_WORD(priv_epc, t6)
	li a1, VA(3) + 4
	PROBE_U(59, LPF, snip_load)
	CHECK_WORD(priv_tval, a1)
	la t6, snip_load - 0x80000000 + PRIV_UALIAS
	CHECK_WORD(priv_epc, t6)
	li a1, VA(9) + 12
	PROBE_U(60, FPF, snip_exec)
	CHECK_WORD(priv_tval, a1)
	CHECK_WORD(priv_epc, a1)
	/* A load that works returns the page's word. */
	li a1, VA(10)
	PROBE_U(61, OK, snip_load)
	li t6, EBREAK
	bne a0, t6, conf_fail

	/* SUM: S may load and store user pages, still never fetch them. */
	li t6, SSTATUS_SUM
	csrs sstatus, t6
	S3X(62, 10, OK, OK, FPF)
	S3X(65, 12, OK, OK, FPF)
	S3X(68, 9, OK, SPF, FPF)
	S3X(71, 1, OK, SPF, FPF)	/* supervisor pages unchanged */
	li t6, SSTATUS_SUM
	csrc sstatus, t6
	li a1, VA(10)
	PROBE_S(74, LPF, snip_load)

	/* MXR: loads from execute-only pages work, in S and in U. */
	li a1, VA(3)
	PROBE_S(75, LPF, snip_load)
	li t6, SSTATUS_MXR
	csrs sstatus, t6
	PROBE_S(76, OK, snip_load)
	li t6, EBREAK
	bne a0, t6, conf_fail
	li a1, VA(11)
	PROBE_U(77, OK, snip_load)
	PROBE_U(78, SPF, snip_store)	/* MXR is about loads only */
	li a1, VA(6)
	PROBE_S(79, LPF, snip_load)	/* reserved stays reserved */
	li t6, SSTATUS_MXR
	csrc sstatus, t6
	li a1, VA(11)
	PROBE_U(80, LPF, snip_load)

	/* Megapages: a leaf in the root table whose PPN[0] is not zero is
	 * misaligned and faults; an aligned one maps 4 MiB. */
	PRIV_PTE(t6, pf_page, AD | PTE_R)	/* pf_page is not 4 MiB aligned */
	PRIV_ROOT_SET(2, t6)
	li t6, (0x80000 << 10) | AD | PTE_R
	PRIV_ROOT_SET(3, t6)
	sfence.vma
	li a1, 0x00800000
	PROBE_S(81, LPF, snip_load)
	CHECK_WORD(priv_tval, a1)
	la a1, pf_page
	li t6, 0x80000000 - 0x00c00000
	sub a1, a1, t6
	PROBE_S(82, OK, snip_load)
	li t6, EBREAK
	bne a0, t6, conf_fail
	PROBE_S(83, SPF, snip_store)	/* the megapage is read-only */

	/* SUM again: no fetch from a user page even when the page was just
	 * loaded from (and its translation may sit in a TLB): the permission
	 * is checked on every access.  Last, because QEMU 7.2 lets the fetch
	 * through (tests/peer/peer_conf.c). */
	li t6, SSTATUS_SUM
	csrs sstatus, t6
	li a1, VA(12)
	PROBE_S(84, OK, snip_load)
	PROBE_S(85, FPF, snip_exec)
	j conf_pass

	PRIV_SNIPPETS
PRIV_END
	PRIV_HANDLER

	.data
	.align 12
pf_page:
	.word EBREAK		/* loads read it; fetches trap on it */
	.space 4092
