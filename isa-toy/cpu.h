/*
 * cpu.h -- one TRV32 hart: registers, privileged state, the software TLB
 * and the predecoded-instruction cache, and the memory it runs on.
 *
 * This is the *hardware*.  In `bare` mode the guest kernel runs on it in
 * S-mode directly; in the monitor's modes the guest kernel runs on it in
 * U-mode and every trap goes to the monitor (cpu->host_traps).
 */
#ifndef ISA_TOY_CPU_H
#define ISA_TOY_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "isa-toy/csr.h"
#include "isa-toy/insn.h"
#include "isa-toy/sv32.h"

/* One predecoded instruction: the decoder's work, done once per address.
 * rd is 32 (a sink register nobody reads) when the instruction writes x0,
 * so the interpreter never tests for x0. */
struct cpu_op {
	uint8_t id; /* enum insn_id, or CPU_OP_UNDECODED / CPU_OP_PAGE_END */
	uint8_t rd, rs1, rs2;
	int32_t imm; /* the immediate; the raw word for system/atomic ones */
};
#define CPU_OP_UNDECODED (INSN_COUNT + 0) /* decode me first */
#define CPU_OP_PAGE_END	 (INSN_COUNT + 1) /* fell off the page's end */
#define CPU_PAGE_OPS	 1024		  /* 4 KiB / 4 bytes */
_Static_assert(INSN_COUNT + 2 <= 256, "op ids must fit struct cpu_op.id");

/* The predecoded ops of one physical page, plus a sentinel that moves
 * execution onto the next page. */
struct cpu_code_page {
	struct cpu_op ops[CPU_PAGE_OPS + 1];
	uint32_t ppage;	 /* which RAM page */
	bool live;	 /* holds decoded ops: stores to it must invalidate */
	uint32_t writes; /* stores to it since it last decoded anything */
};

/* Software TLB: direct-mapped, one array per access kind and privilege.
 * A data entry maps a virtual page to host memory: host = va + addend.
 * `tag` is the page-aligned virtual address; an entry never matches a
 * misaligned access because the lookup keeps the low address bits. */
#define TLB_SIZE    1024
/* Flags live in the tag's low bits, above bit 1: the lookup compares the
 * tag with va & (~0xfff | (size - 1)), which keeps at most bits 1:0 (a
 * misaligned word), so a flagged tag never matches any access. */
#define TLB_INVALID 4u
#define TLB_CODE \
	8u /* write entry of a page holding decoded code: stores
		     * take the slow path, which invalidates those ops */
struct tlb_entry {
	uint32_t tag;	  /* va & ~0xfff, or TLB_INVALID */
	uint32_t ppage;	  /* physical page index in RAM */
	uintptr_t addend; /* host address - va */
};
struct tlb_code_entry {
	uint32_t tag;
	struct cpu_code_page *page;
};
/* Flushing 1024 entries at every satp write would cost more than the
 * context switch it serves, so each TLB logs which slots it filled and a
 * flush clears just those -- unless the log overflowed, then all. */
#define TLB_LOG 128
struct tlb {
	struct tlb_entry read[TLB_SIZE], write[TLB_SIZE];
	struct tlb_code_entry exec[TLB_SIZE];
	uint16_t log[TLB_LOG]; /* slots filled since the last flush */
	unsigned nlog;	       /* > TLB_LOG: too many, flush everything */
};

/* The TLB is *tagged*: one set of tables per tag.  Tag 0 is root
 * operation (the machine's own software); TVT gives each guest a tag of
 * its own (its VPID, isa-toy/tvt.h), so entering and leaving a guest
 * flushes nothing -- the guest's translations simply live in another
 * set.  A flush (satp write, sfence.vma) clears the current tag's set. */
#define TLB_TAGS 9 /* root + TVT_VPID_MAX guests */
struct tlb_set {
	struct tlb mode[2]; /* by privilege mode */
	/* The set holds 4 KiB slices of some 4 MiB megapage: sfence.vma of
	 * one address must then flush everything (the megapage's other
	 * slices sit in other slots). */
	bool mega;
};

/* Why cpu_run returned. */
enum cpu_stop {
	CPU_STOP_LIMIT, /* instruction budget used up */
	CPU_STOP_HALT,	/* the guest shut down (cpu->exit_code) */
	CPU_STOP_TRAP,	/* host_traps: a trap for the monitor (cpu->trap) */
	CPU_STOP_WFI,	/* waiting for an interrupt nothing can raise */
};

/* A trap as the hardware saw it, handed to the monitor. */
struct cpu_trap {
	uint32_t cause; /* scause value (bit 31 = interrupt) */
	uint32_t tval;	/* stval value */
	uint32_t pc;	/* pc of the trapping instruction */
};

struct cpu;
struct jit;
struct tvt_vmcs;

/* Firmware: answers an ecall from S-mode (the SBI).  Returns 0 to go on
 * at pc+4, or -1 if the call halted the machine. */
typedef int (*cpu_ecall_fn)(struct cpu *cpu, void *ctx);

struct cpu {
	uint32_t x[33]; /* x0..x31, and x[32]: the sink for writes to x0 */
	uint32_t pc;
	struct csr_file csr; /* mode, S-mode CSRs, counters */

	/* LR/SC reservation: a physical word and the value LR saw. */
	bool resv_valid;
	uint32_t resv_pa, resv_val;

	/* Memory: RAM on the fast path, everything else on the bus. */
	uint8_t *ram;
	uint32_t ram_base, ram_size;
	struct bus *bus;

	/* Translation and predecode caches. */
	struct tlb_set *tlb_sets[TLB_TAGS]; /* by tag, made on first use */
	struct tlb_set *tset;		    /* the current tag's set */
	struct tlb *tlb;		    /* tset->mode: by privilege mode */
	struct cpu_code_page **code;	    /* by RAM page: NULL or decoded ops */

	/* Where traps go: false = to stvec (real hardware); true = out of
	 * cpu_run to the monitor, which owns S-mode (trap-and-emulate). */
	bool host_traps;
	struct cpu_trap trap;

	cpu_ecall_fn ecall_s; /* the firmware */
	void *ecall_ctx;

	bool halted; /* finisher or SBI reset */
	int exit_code;
	bool wfi;	   /* stopped in wfi */
	bool exit_request; /* leave the run loop soon (device I/O) */
	bool trap_stop;	   /* host_traps: a trap is in cpu->trap */

	/* The translating engine (isa-toy/jit.h), or NULL: interpret.
	 * jit_end is the instret at which the current budget runs out
	 * (translated code compares against it at each block's entry). */
	struct jit *jit;
	uint64_t jit_end;

	/* TVT (isa-toy/tvt.h): the VMCS of the guest running in non-root
	 * operation, or NULL in root operation. */
	struct tvt_vmcs *tvt;

	/* Statistics. */
	uint64_t exc_count[16], irq_count[16];
	uint64_t tlb_misses, code_flushes;
	uint64_t walk_refs; /* page-table entries the hardware's walker read */
};

/* A pseudo cause: "this instruction caused a VM exit (cpu->tvt's exit
 * fields say why)".  Returned by the MMU like a fault cause so the
 * instruction stops the same way, but never delivered to anyone. */
#define CPU_CAUSE_VMEXIT 0x7ffffff0u

/* Set up a hart on `ram` (ram_size bytes at guest physical ram_base) and
 * `bus`.  Returns 0, or -1 with a message if memory is short. */
int cpu_init(struct cpu *cpu, uint8_t *ram, uint32_t ram_base, uint32_t ram_size, struct bus *bus);
void cpu_destroy(struct cpu *cpu);

/* Reset to S-mode at `pc` with a0 = hart id, a1 = `a1`. */
void cpu_reset(struct cpu *cpu, uint32_t pc, uint32_t a1);

/* Run until `max_insns` more instructions retired or traps taken (see
 * csr_progress), the guest halts, or (host_traps) a trap needs the
 * monitor. */
enum cpu_stop cpu_run(struct cpu *cpu, uint64_t max_insns);

/* The interrupt-controller input of the hart: usable as irq_line.set with
 * irq = IRQ_sei.  Level-triggered. */
void cpu_set_irq(void *cpu, int irq, int level);

/* Take exception `cause` with `tval` at the current pc (cpu->pc must be
 * the faulting instruction's).  Delivers to stvec, or stops for the
 * monitor when host_traps is set. */
void cpu_exception(struct cpu *cpu, uint32_t cause, uint32_t tval);

/* Deliver a pending enabled interrupt, if any.  Returns true if taken. */
bool cpu_check_interrupts(struct cpu *cpu);

/* Run at most `budget` instructions; returns early after any system
 * instruction, trap, or device access.  The hart's engine does it: the
 * translator (jit.c) or the interpreter (cpu_interp_block, cpu_exec.c);
 * both stop at exactly the same instructions. */
void cpu_exec_block(struct cpu *cpu, uint64_t budget);
void cpu_interp_block(struct cpu *cpu, uint64_t budget);

/* The slow paths the interpreter calls for loads, stores and atomics:
 * they perform instruction `op` (at cpu->pc, with the address `va`),
 * write rd, or raise the exception.  Return true if it retired. */
bool cpu_exec_memory(struct cpu *cpu, const struct cpu_op *op, uint32_t va);
bool cpu_exec_atomic(struct cpu *cpu, const struct cpu_op *op);

/* The hardware's side effects of a CSR write (the csr_file hook). */
void cpu_csr_changed(void *cpu, unsigned csr, uint32_t old);

/* Write x[rd] unless rd is x0. */
static inline void cpu_set_reg(struct cpu *cpu, unsigned rd, uint32_t v)
{
	if (rd != 0 && rd < 32)
		cpu->x[rd] = v;
}

/* Execute one system instruction (CSR access, ecall, ebreak, sret, wfi,
 * sfence.vma, illegal) at cpu->pc.  Updates pc, or raises a trap. */
void cpu_exec_system(struct cpu *cpu, enum insn_id id, uint32_t w);

/* --- memory (mmu.c) --- */

/* Translate `va` for `access` in the current mode.  Returns 0 and the
 * physical address, or the exception cause to raise. */
int mmu_translate(struct cpu *cpu, uint32_t va, enum mmu_access access, uint64_t *pa);

/* Slow-path loads and stores (TLB miss, MMIO, misaligned): return 0, or
 * the exception cause with stval = va.  `size` is 1, 2 or 4. */
int mmu_load(struct cpu *cpu, uint32_t va, unsigned size, uint32_t *val);
int mmu_store(struct cpu *cpu, uint32_t va, unsigned size, uint32_t val);

/* Physical access to RAM for a word the caller must have translated; NULL
 * if [pa, pa+len) is not all RAM. */
uint8_t *mmu_ram_ptr(struct cpu *cpu, uint64_t pa, uint32_t len);

/* Forget every cached translation (satp, sfence.vma, SUM/MXR changes)
 * of the current TLB tag. */
void mmu_flush(struct cpu *cpu);
/* Forget the current tag's translations of one virtual page. */
void mmu_flush_page(struct cpu *cpu, uint32_t va);
/* The same for tag `tag`, whichever is current (a monitor flushing a
 * guest's translations from root operation: INVVPID). */
void mmu_flush_tag(struct cpu *cpu, unsigned tag);
void mmu_flush_page_tag(struct cpu *cpu, unsigned tag, uint32_t va);
/* Make `tag`'s set current.  Returns 0, or -1 if out of memory. */
int mmu_select_tag(struct cpu *cpu, unsigned tag);
/* Note that the slot of `va` in `t` was filled (so mmu_flush clears it). */
void mmu_tlb_logged(struct tlb *t, uint32_t va);

/* --- predecode cache (cpu_code.c) --- */

/* The decoded page for RAM page `ppage`, created on first use. */
struct cpu_code_page *cpu_code_page(struct cpu *cpu, uint32_t ppage);
/* RAM bytes [pa, pa+len) changed: drop decoded code there. */
void cpu_code_written(struct cpu *cpu, uint64_t pa, uint64_t len);
/* The decoded page holding `pc`, through the execute TLB `tlb` (filled
 * on a miss).  If the fetch faults, raises the exception at `pc` with
 * instret = `instret` and returns NULL. */
struct cpu_code_page *cpu_code_fetch_miss(struct cpu *cpu, struct tlb *tlb, uint32_t pc,
					  uint64_t instret);
static inline struct cpu_code_page *cpu_code_fetch(struct cpu *cpu, struct tlb *tlb, uint32_t pc,
						   uint64_t instret)
{
	struct tlb_code_entry *e = &tlb->exec[(pc >> 12) & (TLB_SIZE - 1)];
	if (__builtin_expect(e->tag == (pc & ~0xfffu), 1))
		return e->page;
	return cpu_code_fetch_miss(cpu, tlb, pc, instret);
}
/* Fill in `op` of `page` from instruction word `w`. */
void cpu_code_decode(struct cpu *cpu, struct cpu_code_page *page, struct cpu_op *op, uint32_t w);

#endif
