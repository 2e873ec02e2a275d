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

struct spt_p2r {
	uint64_t gpa_base; /* guest-physical address of guest page 0 */
	uint32_t npages;
	uint32_t *frame; /* frame[guest page] = machine frame */
};

/* Give `npages` guest pages starting at gpa_base machine frames from `f`,
 * shuffled with `seed`.  Returns 0, or -1 if memory is short. */
int spt_p2r_init(struct spt_p2r *m, struct spt_frames *f, uint64_t gpa_base, uint32_t npages,
		 uint32_t seed);
void spt_p2r_destroy(struct spt_p2r *m, struct spt_frames *f);

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
