/* causes: scause, stval and sepc for each synchronous exception that S
 * sees (privileged spec, "Supervisor Cause Register", "Supervisor Trap
 * Value Register"; docs/isa.md, "Traps"): 0 misaligned jump target,
 * 1 fetch from no memory, 2 illegal instruction, 4 misaligned lr.w,
 * 5 load from no memory (also through a PTE), 6 misaligned AMO, 7 store
 * to no memory, 8 ecall from U, 12/13/15 page faults from U. */
#include "tests/conf/priv.h"

#define NOWHERE 0x00200000 /* no memory and no device there, on either board */
/* Case n: the last probe's stval and sepc must be tval and epc (labels
 * or numbers; registers a4 and a5). */
#define CHECK_TE(n, tval, epc) \
	li gp, n;              \
	la a4, tval;           \
	CHECK_WORD(priv_tval, a4); \
	la a5, epc;            \
	CHECK_WORD(priv_epc, a5)
#define UA(label) (label - 0x80000000 + PRIV_UALIAS)

PRIV_BEGIN
	/* 0: a jump to a 2-aligned address (no compressed instructions):
	 * the jump traps, stval = the target. */
	la a1, snip_ebreak + 2
	PROBE_S(1, 0, snip_exec)
	CHECK_TE(2, snip_ebreak + 2, snip_exec)
	/* 1: fetch from an address with nothing behind it (paging off). */
	li a1, NOWHERE
	PROBE_S(3, 1, snip_exec)
	CHECK_TE(4, NOWHERE, NOWHERE)
	/* 5 and 7: load and store there. */
	li a1, NOWHERE + 8
	PROBE_S(5, 5, snip_load)
	CHECK_TE(6, NOWHERE + 8, snip_load)
	PROBE_S(7, 7, snip_store)
	CHECK_TE(8, NOWHERE + 8, snip_store)
	/* 2: an illegal instruction (a CSR that does not exist), stval =
	 * the instruction word. */
	PROBE_S(9, 2, snip_illegal)
	li gp, 10
	li a4, 0x7c002573	/* csrr a0, 0x7c0 */
	CHECK_WORD(priv_tval, a4)
	/* 4: misaligned lr.w (6, the AMO: at the end). */
	la a1, snip_data + 2
	PROBE_S(11, 4, snip_lr)
	CHECK_TE(12, snip_data + 2, snip_lr)

	/* With paging: a leaf PTE onto no memory is an access fault (5),
	 * not a page fault. */
	li t6, (NOWHERE >> 2) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	PRIV_L0_SET(1, t6)
	PRIV_PAGING_ON
	li a1, PRIV_L0_VA + 4096 + 4
	PROBE_S(15, 5, snip_load)
	CHECK_TE(16, PRIV_L0_VA + 4096 + 4, snip_load)
	/* From U: 8 ecall (stval 0), 13/15 a load/store of a supervisor
	 * page, 12 a fetch of one, 2 an S-level CSR. */
	PROBE_U(17, 8, snip_ecall)
	CHECK_TE(18, 0, UA(snip_ecall))
	la a1, snip_data
	PROBE_U(19, 13, snip_load)
	CHECK_TE(20, snip_data, UA(snip_load))
	PROBE_U(21, 15, snip_store)
	CHECK_TE(22, snip_data, UA(snip_store))
	la a1, snip_ebreak
	PROBE_U(23, 12, snip_exec)
	CHECK_TE(24, snip_ebreak, snip_ebreak)
	PROBE_U(25, 2, snip_illegal)
	CHECK_TE(26, 0x7c002573, UA(snip_illegal))
	/* 6: a misaligned AMO is a store/AMO exception.  Last, because
	 * QEMU 7.2 reports cause 4 (tests/peer/peer_conf.c). */
	csrw satp, zero
	sfence.vma
	la a1, snip_data + 2
	PROBE_S(13, 6, snip_amo)
	CHECK_TE(14, snip_data + 2, snip_amo)
	j conf_pass

	PRIV_SNIPPETS
snip_illegal:
	csrr a0, 0x7c0
	ebreak
snip_lr:
	lr.w a0, (a1)
	ebreak
snip_amo:
	amoadd.w a0, a2, (a1)
	ebreak
snip_ecall:
	ecall
PRIV_END
	PRIV_HANDLER

	.data
	.align 2
snip_data: .word 0, 0
