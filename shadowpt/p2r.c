/*
 * p2r.c -- the P->R map (p2r.h).
 */
#include "shadowpt/p2r.h"

#include <stdio.h>
#include <stdlib.h>

int spt_p2r_init(struct spt_p2r *m, struct spt_frames *f, uint64_t gpa_base, uint32_t npages,
		 uint32_t seed)
{
	m->gpa_base = gpa_base;
	m->npages = npages;
	m->frame = malloc((size_t)npages * sizeof(*m->frame));
	if (!m->frame || f->nfree < npages) {
		fprintf(stderr, "trapvisor: not enough machine memory for %u guest pages\n",
			npages);
		free(m->frame);
		m->frame = NULL;
		return -1;
	}
	for (uint32_t i = 0; i < npages; i++)
		m->frame[i] = spt_frame_alloc(f);
	/* Fisher-Yates with a small xorshift: scattered, but the same map
	 * for the same seed, so runs stay repeatable. */
	uint32_t x = seed * 2654435761u + 1;
	for (uint32_t i = npages; i > 1; i--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		uint32_t j = x % i, t = m->frame[i - 1];
		m->frame[i - 1] = m->frame[j];
		m->frame[j] = t;
	}
	return 0;
}

void spt_p2r_destroy(struct spt_p2r *m, struct spt_frames *f)
{
	if (!m->frame)
		return;
	for (uint32_t i = 0; i < m->npages; i++)
		spt_frame_free(f, m->frame[i]);
	free(m->frame);
	m->frame = NULL;
}

uint8_t *spt_p2r_ptr(const struct spt_p2r *m, const struct spt_frames *f, uint64_t gpa,
		     uint32_t len)
{
	uint32_t gpage;
	if (!spt_p2r_page(m, gpa, &gpage) || (gpa & 0xfff) + len > SPT_PAGE)
		return NULL;
	return spt_frame_ptr(f, m->frame[gpage]) + (gpa & 0xfff);
}
