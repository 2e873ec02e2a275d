/*
 * p2r.c -- the P->R map (p2r.h).
 */
#include "shadowpt/p2r.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int spt_p2r_init(struct spt_p2r *m, struct spt_frames *f, uint64_t gpa_base, uint32_t npages,
		 uint32_t seed)
{
	m->gpa_base = gpa_base;
	m->npages = npages;
	m->swap = NULL;
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

int spt_p2r_swap_init(struct spt_p2r *m, struct spt_swap_pool *pool,
		      void (*evict)(void *ctx, uint32_t gpage), void *ctx)
{
	struct spt_swap *w = calloc(1, sizeof(*w));
	FILE *tmp = tmpfile();
	if (w)
		w->state = calloc(m->npages, 1);
	if (!w || !w->state || !tmp) {
		fprintf(stderr, "trapvisor: cannot set up the swap file for --mem-limit\n");
		if (w)
			free(w->state);
		free(w);
		if (tmp)
			fclose(tmp);
		return -1;
	}
	/* Keep only the descriptor: the file has no name and goes away
	 * with it. */
	w->fd = dup(fileno(tmp));
	fclose(tmp);
	w->pool = pool;
	w->evict = evict;
	w->ctx = ctx;
	m->swap = w;
	return w->fd < 0 ? -1 : 0;
}

/* Swap out one resident page of this VM other than `keep`: a clock over
 * the guest pages, a referenced page losing its mark and its turn once.
 * False if the VM has nothing to give. */
static bool spt_p2r_evict_one(const struct spt_p2r *m, const struct spt_frames *f, uint32_t keep)
{
	struct spt_swap *w = m->swap;
	for (uint32_t n = 0; n < 2 * m->npages; n++) {
		uint32_t g = w->hand;
		w->hand = (w->hand + 1) % m->npages;
		if (g == keep)
			continue;
		if (w->state[g] == SPT_PG_REFERENCED) {
			w->state[g] = SPT_PG_RESIDENT; /* second chance */
			continue;
		}
		if (w->state[g] != SPT_PG_RESIDENT)
			continue;
		/* Unmap first, so the hardware cannot write while the page
		 * is copied out; then hand its host memory back. */
		w->evict(w->ctx, g);
		uint8_t *p = spt_frame_ptr(f, m->frame[g]);
		if (pwrite(w->fd, p, SPT_PAGE, (off_t)g * SPT_PAGE) != SPT_PAGE) {
			perror("trapvisor: writing the swap file");
			abort(); /* the guest's memory would be lost */
		}
		madvise(p, SPT_PAGE, MADV_DONTNEED);
		w->state[g] = SPT_PG_SWAPPED;
		w->outs++;
		w->pool->outs++;
		w->pool->nresident--;
		return true;
	}
	return false;
}

bool spt_p2r_touch(const struct spt_p2r *m, const struct spt_frames *f, uint32_t gpage)
{
	struct spt_swap *w = m->swap;
	if (!w || gpage >= m->npages)
		return false;
	uint8_t st = w->state[gpage];
	if (st == SPT_PG_RESIDENT || st == SPT_PG_REFERENCED) {
		w->state[gpage] = SPT_PG_REFERENCED;
		return false;
	}
	bool swapped_in = false;
	if (st == SPT_PG_SWAPPED) {
		uint8_t *p = spt_frame_ptr(f, m->frame[gpage]);
		if (pread(w->fd, p, SPT_PAGE, (off_t)gpage * SPT_PAGE) != SPT_PAGE) {
			perror("trapvisor: reading the swap file");
			abort();
		}
		w->ins++;
		w->pool->ins++;
		swapped_in = true;
	}
	w->state[gpage] = SPT_PG_REFERENCED;
	w->pool->nresident++;
	while (w->pool->nresident > w->pool->limit && spt_p2r_evict_one(m, f, gpage))
		;
	return swapped_in;
}

void spt_p2r_drop(const struct spt_p2r *m, const struct spt_frames *f, uint32_t gpage)
{
	/* An anonymous private mapping: after MADV_DONTNEED the page is the
	 * kernel's shared zero page until written again. */
	madvise(spt_frame_ptr(f, m->frame[gpage]), SPT_PAGE, MADV_DONTNEED);
	struct spt_swap *w = m->swap;
	if (!w)
		return;
	if (w->state[gpage] == SPT_PG_RESIDENT || w->state[gpage] == SPT_PG_REFERENCED)
		w->pool->nresident--;
	w->state[gpage] = SPT_PG_UNTOUCHED; /* a swapped copy is never read again */
}

uint32_t spt_p2r_host_resident(const struct spt_p2r *m, const struct spt_frames *f)
{
	uint32_t n = 0;
	for (uint32_t g = 0; g < m->npages; g++) {
		unsigned char in = 0;
		if (!mincore(spt_frame_ptr(f, m->frame[g]), SPT_PAGE, &in) && (in & 1))
			n++;
	}
	return n;
}

void spt_p2r_destroy(struct spt_p2r *m, struct spt_frames *f)
{
	if (m->swap) {
		for (uint32_t g = 0; g < m->npages; g++)
			if (m->swap->state[g] == SPT_PG_RESIDENT ||
			    m->swap->state[g] == SPT_PG_REFERENCED)
				m->swap->pool->nresident--;
		close(m->swap->fd);
		free(m->swap->state);
		free(m->swap);
		m->swap = NULL;
	}
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
	spt_p2r_touch(m, f, gpage);
	return spt_frame_ptr(f, m->frame[gpage]) + (gpa & 0xfff);
}
