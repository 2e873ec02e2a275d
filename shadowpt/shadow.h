/*
 * shadow.h -- shadow page tables: the monitor's V->R tables that the
 * hardware actually walks while a guest runs.
 *
 * The lecture's recipe, and where each step lives in shadow.c:
 *
 *   1. Create a second page table in the VMM mapping V -> R directly and
 *      give it to the hardware.                       (spt_switch)
 *   2. On a miss in it, look up V in the guest's page table to find P,
 *      look up P in the VMM's map to find R, and add V -> R.
 *                                                      (spt_fault)
 *   3. When the guest changes its page table, remove what was derived
 *      from the changed entry.  To *see* the change, every guest page-
 *      table page a shadow was built from is mapped read-only ("write-
 *      protected"): the guest's store traps, the monitor performs it and
 *      invalidates.                                    (spt_pt_written)
 *   4. Never change P -> R behind the guest's back.
 *
 * One guest address space needs up to three shadows, one per *view*:
 * guest user code must not reach guest-kernel pages (U=0), and the guest
 * kernel reaches user pages only with sstatus.SUM -- but the hardware
 * runs all of the guest in U-mode, so the difference must be in the
 * tables.  Shadows are cached per (guest satp, view); the cache is
 * bounded and evicts the least recently used.
 */
#ifndef SHADOWPT_SHADOW_H
#define SHADOWPT_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "isa-toy/cpu.h"
#include "isa-toy/sv32.h"
#include "shadowpt/frames.h"
#include "shadowpt/p2r.h"

#define SPT_TREES 16 /* shadow tables cached per VM */
#define SPT_NONE  0xffffffffu

/* Which of the guest's modes a shadow serves (see above). */
enum spt_view {
	SPT_VIEW_U,	/* guest user mode: only U=1 pages */
	SPT_VIEW_S,	/* guest kernel, SUM=0: only U=0 pages */
	SPT_VIEW_S_SUM, /* guest kernel, SUM=1: U=0 pages, and U=1 data */
	/* Under TVT (--mode=vt --paging=shadow) the guest runs in its own S-
	 * and U-mode, so the hardware can check U and SUM itself: one shadow
	 * per address space, with the guest's U bits copied. */
	SPT_VIEW_NATIVE,
};

/* One shadow table: a root and up to 1024 leaf tables, in machine frames. */
struct spt_tree {
	bool used;
	uint32_t gsatp; /* the guest satp it shadows (MODE|PPN), 0 = MMU off */
	enum spt_view view;
	uint32_t root;	     /* machine frame of the shadow root */
	uint32_t root_gpage; /* guest page of the guest root table, or SPT_NONE */
	uint32_t leaf[1024]; /* machine frame of the shadow leaf under entry j */
	uint32_t src[1024];  /* guest page of the guest leaf table it mirrors */
	uint64_t stamp;	     /* last use, for LRU eviction */
};

/* What spt_fault found. */
enum spt_result {
	SPT_FILLED,	 /* a shadow entry was added: retry the instruction */
	SPT_GUEST_FAULT, /* the guest's own table faults: reflect `cause` */
	SPT_MMIO,	 /* guest-physical `gpa` is a device: emulate */
	SPT_PT_WRITE,	 /* a store to a write-protected guest page (table) */
	SPT_BT_READ,	 /* a load from a page run from a translated copy */
};

struct spt_fault {
	enum spt_result result;
	uint32_t cause;	       /* SPT_GUEST_FAULT */
	uint64_t gpa;	       /* guest-physical address (not GUEST_FAULT) */
	bool walked;	       /* the guest table was walked (MMU on) */
	struct sv32_walk walk; /* what that walk saw */
	uint32_t rppn;	       /* SPT_FILLED: the machine page installed */
	bool not_resident;     /* SPT_FILLED after a swap-in (--mem-limit) */
};

struct spt_stats {
	uint64_t fills, guest_faults, mmio, pt_writes, invalidations;
	uint64_t switches, builds, evictions, revokes;
	uint64_t bt_pages, bt_reads, bt_drops; /* binary translation */
	uint64_t dirty_faults;		       /* writes caught by dirty logging */
	uint64_t not_resident;		       /* fills that swapped a page in */
};

/* Binary translation (--mode=bt): rewrite the 1024 words of a copy of
 * guest page `gpage` in place; returns how many were rewritten. */
typedef unsigned (*spt_bt_rewrite_fn)(void *ctx, uint32_t *words, uint32_t gpage);

struct spt {
	struct spt_frames *frames; /* machine frames: shadows come from here */
	const struct spt_p2r *p2r; /* this VM's P -> R */
	struct cpu *hw;		   /* the hart, whose TLB we must flush */
	unsigned tlb_tag;	   /* ... the entries under this tag (0: root) */
	uint32_t *hw_satp;	   /* where the shadow's root goes: the hart's
				    * satp, or a TVT guest-state area's */
	struct spt_tree trees[SPT_TREES];
	struct spt_tree *cur;
	uint16_t *pt_refs; /* per guest page: shadows derived from it */
	/* The reverse map: for each guest page, the shadow leaves that mirror
	 * it as a list of slots (slot = tree * 1024 + root entry j), so that a
	 * write to a guest leaf table finds what to invalidate without
	 * scanning every tree.  rmap_head[gpage], and per slot next/prev;
	 * -1 ends a list. */
	int32_t *rmap_head;
	int32_t rmap_next[SPT_TREES * 1024], rmap_prev[SPT_TREES * 1024];
	uint64_t clock;
	struct spt_stats stats;

	/* Binary translation: guest-kernel code runs from translated copies
	 * (NULL rewrite = off).  bt_frame[gpage]: the copy's machine frame,
	 * or SPT_NONE. */
	spt_bt_rewrite_fn bt_rewrite;
	void *bt_ctx;
	uint32_t *bt_frame;

	/* Device assignment: one device page mapped straight to a machine
	 * frame (its register page), so the owner's accesses do not trap.
	 * direct_gpa == 0: none. */
	uint32_t direct_gpa, direct_frame;

	/* Dirty logging (live migration, core/migrate.c): per guest page, 1
	 * if written since the last harvest; NULL = off. */
	uint8_t *dirty_log;
};

/* Remove every shadow entry that maps guest page `gpage` (it is being
 * swapped out): the next access is a shadow miss. */
void spt_unmap_gpage(struct spt *s, uint32_t gpage);

/* Set up the shadow cache of one VM.  Returns 0, or -1 (no memory). */
int spt_init(struct spt *s, struct spt_frames *frames, const struct spt_p2r *p2r, struct cpu *hw);
void spt_destroy(struct spt *s);

/* Make the shadow of (guest satp, view) current, building an empty one if
 * it is not cached, and load it into the hardware's satp. */
void spt_switch(struct spt *s, uint32_t gsatp, enum spt_view view);

/* The hardware faulted at `va` doing `access` while the guest was in mode
 * `vpriv` with sstatus `vsstatus`: handle it as the recipe says. */
void spt_fault(struct spt *s, uint32_t va, enum mmu_access access, enum cpu_priv vpriv,
	       uint32_t vsstatus, struct spt_fault *out);

/* The monitor wrote guest-physical [gpa, gpa+len), inside one page, on
 * the guest's behalf (an emulated store, a device's DMA): drop every
 * shadow entry derived from what changed, and tell the hart's decoded
 * code and a translated copy of the page, as a guest store would.  (The
 * A/D bits the monitor's own walks set reach the same caches inside
 * shadow.c.) */
void spt_pt_written(struct spt *s, uint64_t gpa, uint32_t len);

/* Dirty logging by write protection: which guest pages were written since
 * the last look, for the rounds of a live migration.  Start: every shadow
 * entry loses W, so the next write to each page faults; the fill logs the
 * page and maps it writable (a read fills read-only).  Writes the monitor
 * makes itself (emulated stores, A/D bits) are logged where they are made.
 * Harvest: OR the log into dirty[] (one byte per guest page), clear it,
 * and take W away again; the number of pages logged.  0, or -1 (no
 * memory) for start. */
int spt_dirty_log_start(struct spt *s);
uint32_t spt_dirty_log_harvest(struct spt *s, uint8_t *dirty);
void spt_dirty_log_stop(struct spt *s);

/* Translate guest-virtual `va` through the current shadow's guest table
 * (V -> P), as the hardware would for `access` in mode `vpriv`: 0 and
 * *gpa, or the exception cause.  With the guest MMU off, V = P. */
int spt_guest_translate(struct spt *s, uint32_t va, enum mmu_access access, enum cpu_priv vpriv,
			uint32_t vsstatus, uint64_t *gpa);

/* The same through the guest table of satp `gsatp` (no shadow needed). */
int spt_guest_walk(struct spt *s, uint32_t gsatp, uint32_t va, enum mmu_access access,
		   enum cpu_priv vpriv, uint32_t vsstatus, uint64_t *gpa);

/* Is guest page `gpage` write-protected (a shadow was derived from it)? */
bool spt_protected(const struct spt *s, uint32_t gpage);

/* Turn on binary translation for this VM's guest-kernel code. */
int spt_enable_bt(struct spt *s, spt_bt_rewrite_fn rewrite, void *ctx);

/* Forget every shadow (e.g. sstatus.MXR changed what pages may be read). */
void spt_drop_all(struct spt *s);

/* Shadows for a TVT guest: loaded into `satp` (its VMCS guest-state
 * satp), flushed from TLB tag `tag` (its VPID); only SPT_VIEW_NATIVE. */
void spt_use_tvt(struct spt *s, uint32_t *satp, unsigned tag);

/* The view for a guest in mode `vpriv` with sstatus `vsstatus`. */
static inline enum spt_view spt_view_of(enum cpu_priv vpriv, uint32_t vsstatus)
{
	if (vpriv == PRIV_U)
		return SPT_VIEW_U;
	return (vsstatus & SSTATUS_SUM) ? SPT_VIEW_S_SUM : SPT_VIEW_S;
}

#endif
