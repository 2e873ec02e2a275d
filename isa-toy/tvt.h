/*
 * tvt.h -- TVT, TRV32's hardware assist for virtualization: the toy
 * machine's VT-x.
 *
 * Trap-and-emulate (core/) runs the guest kernel in U-mode and pays a
 * trap for every sensitive instruction; on a machine that is not strictly
 * virtualizable (--isa=legacy) some of them do not even trap.  TVT is the
 * third answer of the lecture (after binary translation and
 * paravirtualization): change the hardware.
 *
 *   ROOT operation      the monitor, with the machine as it always was.
 *   NON-ROOT operation  the guest, in its *own* S- and U-mode.  Its CSR
 *                       instructions -- the legacy sstatus reads and
 *                       writes included -- work on the guest's copy of
 *                       the privileged state, with no trap at all; its
 *                       traps go to its own stvec.  Control returns to
 *                       the monitor (a VM EXIT) only when the VMCS's
 *                       controls say so.
 *
 * The VMCS ("virtual-machine control structure") is a block of monitor
 * memory with four parts, as on VT-x:
 *
 *   guest state   registers, pc and the S-mode CSRs, loaded on entry and
 *                 saved on exit;
 *   host state    the same for root operation, saved on entry and
 *                 restored on exit;
 *   controls      which exceptions, interrupts, CSR accesses and
 *                 instructions exit; second-stage translation; the TLB
 *                 tag (VPID); a budget (the preemption timer); an event
 *                 to inject on entry;
 *   exit info     after an exit: the reason and its qualification.
 *
 * SECOND-STAGE TRANSLATION (VT-x's EPT, AMD's NPT, RISC-V's G-stage):
 * with it on, every address the guest's own page tables produce -- the
 * final one and each page-table entry's along the way -- is a *guest*-
 * physical address, translated again through a table the monitor owns
 * (Sv32 format, every leaf U=1 as on RISC-V's G-stage).  No shadow
 * tables, no write protection: the guest edits its page tables freely.
 * The price is the TLB miss: a 2-level walk whose every step needs a
 * 2-level walk, (2+1) x (2+1) - 1 = 8 memory references instead of 2
 * (x86-64's 4 levels: 24 instead of 4).  A guest-physical address the
 * table does not map exits (stage2-fault) with the address: the monitor
 * fills the table, or emulates a device there.
 *
 * The monitor's side is one call, tvt_run(), which returns the exit
 * reason as KVM_RUN does.
 */
#ifndef ISA_TOY_TVT_H
#define ISA_TOY_TVT_H

#include <stdbool.h>
#include <stdint.h>

#include "isa-toy/cpu.h"

enum tvt_exit_reason {
#define EXIT(id, name, doc) TVT_EXIT_##id,
#include "isa-toy/tvt_exits.def"
#undef EXIT
	TVT_EXIT_COUNT
};

/* Guest tags for the TLB: 1..TVT_VPID_MAX (tag 0 is root operation). */
#define TVT_VPID_MAX (TLB_TAGS - 1)

/* Instruction controls (tvt_controls.insn). */
#define TVT_CTL_WFI_EXIT    (1u << 0) /* wfi in non-root S-mode exits (HLT exiting) */
#define TVT_CTL_SFENCE_EXIT (1u << 1) /* sfence.vma exits (INVLPG exiting) */

/* The qualification of a stage2-fault: the access kind (enum
 * mmu_access), plus this bit if the guest-physical address was a page-
 * table entry of the guest's own walk rather than the access's target. */
#define TVT_NPF_WALK (1u << 8)

/* Why an entry failed (the qualification of entry_fail). */
enum tvt_entry_check {
	TVT_BAD_PRIV = 1,   /* guest mode not U or S */
	TVT_BAD_VPID = 2,   /* VPID not 1..TVT_VPID_MAX */
	TVT_BAD_STAGE2 = 3, /* second-stage root not an aligned RAM page */
	TVT_BAD_EVENT = 4,  /* event to inject with an impossible cause */
};

/* Registers, pc and privileged state: the guest-state and host-state
 * areas.  (The csr_file's `changed` hook and `legacy` flag are not
 * state: the hardware keeps its own while the guest runs.) */
struct tvt_state {
	uint32_t x[33];
	uint32_t pc;
	struct csr_file csr;
	bool resv_valid; /* the LR reservation survives an exit */
	uint32_t resv_pa, resv_val;
};

struct tvt_controls {
	uint32_t exc_exit;  /* bit c: exception cause c exits */
	uint32_t intr_exit; /* bit c: interrupt code c exits, not delivered */
	uint32_t insn;	    /* TVT_CTL_* */
	/* Bit n of each: an access to CSR n from non-root S-mode exits.
	 * A "read" is any csrr* whose old value is kept (rd != x0, or
	 * csrrs/csrrc); a "write" is csrrw, or csrrs/csrrc with a nonzero
	 * operand -- as the spec says which side effects happen. */
	uint8_t csr_read_exit[4096 / 8];
	uint8_t csr_write_exit[4096 / 8];
	bool stage2;	  /* second-stage translation on */
	uint32_t s2_root; /* machine-physical address of its root table */
	unsigned vpid;	  /* TLB tag, 1..TVT_VPID_MAX */
	uint64_t budget;  /* guest progress before a preempt exit; 0 = none */
};

/* An event for the hardware to deliver on the next entry, as the guest's
 * own hardware would have: VT-x's VM-entry interruption information. */
struct tvt_event {
	bool valid;
	uint32_t cause, tval;
};

/* What the last exit left. */
struct tvt_exit_info {
	enum tvt_exit_reason reason;
	uint32_t qual; /* reason-specific: see tvt_exits.def */
	uint32_t pc;   /* the guest's pc: the instruction that exited */
	uint32_t insn; /* that instruction's word, when it has one */
	uint32_t gva;  /* stage2-fault: the guest-virtual address */
	uint32_t gpa;  /* stage2-fault: the guest-physical address */
};

struct tvt_stats {
	uint64_t entries, exits;
	uint64_t by_reason[TVT_EXIT_COUNT];
};

struct tvt_vmcs {
	struct tvt_state guest, host;
	struct tvt_controls ctl;
	struct tvt_event inject;
	struct tvt_exit_info exit;
	struct tvt_stats stats;
};

/* Enter non-root operation with `vmcs` and run the guest until it exits;
 * return the exit reason (also in vmcs->exit).  Root state is saved in
 * vmcs->host on entry and restored on exit, guest state the other way
 * round: on return the hart is exactly as before the call. */
enum tvt_exit_reason tvt_run(struct cpu *cpu, struct tvt_vmcs *vmcs);

/* Set or clear the read/write exit bits of CSR `csr`. */
void tvt_csr_exit(struct tvt_controls *ctl, unsigned csr, bool read, bool write);

/* The guest's TLB entries (all of them, or one page): after the monitor
 * changes the second-stage table or the guest's shadow table. */
void tvt_flush(struct cpu *cpu, const struct tvt_vmcs *vmcs);
void tvt_flush_page(struct cpu *cpu, const struct tvt_vmcs *vmcs, uint32_t gva);

/* Names from tvt_exits.def. */
const char *tvt_exit_name(enum tvt_exit_reason r);

/* --- the hardware's inside (called by the hart, isa-toy/cpu*.c) --- */

static inline bool tvt_stage2_on(const struct tvt_vmcs *v)
{
	return v->ctl.stage2;
}

/* Translate guest-virtual `va` through both stages.  0 and the machine
 * address, a guest fault cause, or CPU_CAUSE_VMEXIT (a stage2-fault
 * exit is pending). */
int tvt_translate(struct cpu *cpu, uint32_t va, enum mmu_access access, uint64_t *pa);

/* Translate guest-physical `gpa` through the second stage alone (walking
 * `root`; counts references in *refs): 0 and the machine address, or -1.
 * For tools too (the debugger, the tests). */
int tvt_stage2_walk(struct cpu *cpu, uint32_t root, uint32_t gpa, enum mmu_access access,
		    uint64_t *mpa, unsigned *refs);

/* Does trap `cause` (an exception, or CAUSE_INTERRUPT | code) exit here?
 * If so the exit is recorded and the trap is not delivered. */
bool tvt_trap_exits(struct cpu *cpu, uint32_t cause, uint32_t tval);

/* Does CSR instruction `w` (id `id`) exit?  If so the exit is recorded. */
bool tvt_csr_exits(struct cpu *cpu, enum insn_id id, uint32_t w);

/* Record an exit of `reason` at the current instruction, whose word is
 * `insn` (0 for an exit that is no instruction's, an interrupt). */
void tvt_exit(struct cpu *cpu, enum tvt_exit_reason reason, uint32_t qual, uint32_t insn);

/* The word of the instruction at the hart's pc (decode assist). */
uint32_t tvt_current_insn(const struct cpu *cpu);

#endif
