/*
 * frames.h -- machine memory, as the monitor hands it out: 4 KiB frames.
 *
 * In the monitor's modes the hart's RAM is *machine* memory (the lecture's
 * "real" addresses, R).  The monitor gives each VM a set of frames for its
 * guest-physical memory and keeps others for itself (shadow page tables).
 * A frame is named by its index from the start of machine RAM.
 */
#ifndef SHADOWPT_FRAMES_H
#define SHADOWPT_FRAMES_H

#include <stdint.h>

#define SPT_PAGE     4096u
#define SPT_NO_FRAME 0xffffffffu

struct spt_frames {
	uint8_t *ram;	   /* machine RAM, host address */
	uint64_t ram_base; /* its machine-physical address */
	uint32_t nframes;
	uint8_t *used; /* one byte per frame: free and zero, used, free and dirty */
	uint32_t nfree;
	uint32_t hint; /* where the next search starts */
};

/* Manage `nframes` frames of `ram` (at machine-physical ram_base).
 * Returns 0, or -1 if out of host memory. */
int spt_frames_init(struct spt_frames *f, uint8_t *ram, uint64_t ram_base, uint32_t nframes);
void spt_frames_destroy(struct spt_frames *f);

/* A zeroed free frame, or SPT_NO_FRAME if none is left. */
uint32_t spt_frame_alloc(struct spt_frames *f);
void spt_frame_free(struct spt_frames *f, uint32_t frame);

static inline uint8_t *spt_frame_ptr(const struct spt_frames *f, uint32_t frame)
{
	return f->ram + (uint64_t)frame * SPT_PAGE;
}

/* The PPN of a frame, as a page-table entry or satp names it. */
static inline uint32_t spt_frame_ppn(const struct spt_frames *f, uint32_t frame)
{
	return (uint32_t)(f->ram_base >> 12) + frame;
}

#endif
