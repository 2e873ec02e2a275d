/*
 * p2r.h -- the monitor's map from guest-physical pages (P) to machine
 * frames (R): the lecture's "VMM page table", the middle of
 *
 *     V --(guest page table)--> P --(this map)--> R
 *
 * The frames are deliberately scattered (a seeded shuffle), so P->R is
 * never the identity: a monitor that forgot a translation step cannot
 * get lucky.
 */
#ifndef SHADOWPT_P2R_H
#define SHADOWPT_P2R_H

#include <stdbool.h>
#include <stdint.h>

#include "shadowpt/frames.h"

/* Swap (--mem-limit): the run's budget of resident guest pages, shared by
 * every VM of the run.  A guest page is *resident* once something touched
 * it (a shadow or second-stage fill, the monitor's own access); past the
 * budget, the faulting VM gives up one of its own resident pages (local
 * replacement, a clock: second chance for a page touched since the hand
 * last passed).  The victim's contents go to the VM's swap file, its host
 * memory back to the host (madvise), and `evict` removes every shadow or
 * second-stage entry that maps it, so the next access misses with the
 * reason "page not resident" and brings it back, bit for bit: the P->R
 * map never changes, so transcripts and instruction counts are those of
 * a run without a limit. */
struct spt_swap_pool {
	uint32_t limit;	    /* resident guest pages allowed in the run */
	uint32_t nresident; /* resident guest pages, all VMs */
	uint64_t outs, ins; /* pages written to / read from swap files */
};

struct spt_swap {
	struct spt_swap_pool *pool;
	uint8_t *state; /* per guest page: SPT_PG_* */
	uint32_t hand;	/* the clock's hand */
	int fd;		/* the swap file (anonymous, one slot per guest page) */
	uint64_t outs, ins;
	/* Unmap guest page `gpage` from every table the hardware walks. */
	void (*evict)(void *ctx, uint32_t gpage);
	void *ctx;
};

enum { SPT_PG_UNTOUCHED = 0, SPT_PG_RESIDENT, SPT_PG_REFERENCED, SPT_PG_SWAPPED };

struct spt_p2r {
	uint64_t gpa_base; /* guest-physical address of guest page 0 */
	uint32_t npages;
	uint32_t *frame;       /* frame[guest page] = machine frame */
	struct spt_swap *swap; /* NULL: no --mem-limit, every page stays */
};

/* Give `npages` guest pages starting at gpa_base machine frames from `f`,
 * shuffled with `seed`.  Returns 0, or -1 if memory is short. */
int spt_p2r_init(struct spt_p2r *m, struct spt_frames *f, uint64_t gpa_base, uint32_t npages,
		 uint32_t seed);
void spt_p2r_destroy(struct spt_p2r *m, struct spt_frames *f);

/* Put this VM's guest pages under `pool` (--mem-limit); `evict(ctx,
 * gpage)` unmaps a page chosen as victim.  0, or -1 with a message. */
int spt_p2r_swap_init(struct spt_p2r *m, struct spt_swap_pool *pool,
		      void (*evict)(void *ctx, uint32_t gpage), void *ctx);

/* Guest page `gpage` is about to be used (mapped for the hardware, or
 * read or written by the monitor): bring it back if it is swapped out,
 * and count it resident, swapping out a victim if the run is over its
 * budget.  Returns true if the page had to be read back from swap (the
 * shadow miss's third reason, "page not resident").  Without a limit it
 * does nothing. */
bool spt_p2r_touch(const struct spt_p2r *m, const struct spt_frames *f, uint32_t gpage);

/* Forget guest page `gpage`'s contents (a balloon: the guest gave the
 * page up).  Its host memory goes back to the host at once and reads as
 * zeros from now on; under --mem-limit it stops counting as resident,
 * and a copy in the swap file is forgotten, never read back.  Nothing is
 * written anywhere: that is the whole point.  The caller unmaps the page
 * first (vm_unmap_gpage). */
void spt_p2r_drop(const struct spt_p2r *m, const struct spt_frames *f, uint32_t gpage);

/* How many of the guest's pages are in host memory now (mincore(2)):
 * what the VM really costs the machine. */
uint32_t spt_p2r_host_resident(const struct spt_p2r *m, const struct spt_frames *f);

/* The guest page of `gpa`, or false if it is not guest RAM. */
static inline bool spt_p2r_page(const struct spt_p2r *m, uint64_t gpa, uint32_t *gpage)
{
	if (gpa < m->gpa_base || (gpa - m->gpa_base) >> 12 >= m->npages)
		return false;
	*gpage = (uint32_t)((gpa - m->gpa_base) >> 12);
	return true;
}

/* Host pointer to guest-physical [gpa, gpa+len), which must not cross a
 * page; NULL if it is not guest RAM. */
uint8_t *spt_p2r_ptr(const struct spt_p2r *m, const struct spt_frames *f, uint64_t gpa,
		     uint32_t len);

#endif
