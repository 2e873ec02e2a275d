/*
 * frames.c -- the machine frame allocator (frames.h): a byte map and a
 * rotating search.  Simple beats clever here: frames are taken when a VM
 * starts and when a shadow table grows, not on any hot path.
 *
 * Machine RAM is an anonymous reservation (isa-toy/ram.h): a frame nobody
 * ever wrote is still zero and costs no host memory.  Clearing it anyway
 * would back every frame a VM is given, so the byte map also remembers
 * which free frames are known zero, and only a frame given back dirty is
 * cleared when it is handed out again.
 */
#include "shadowpt/frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FRAME_FREE_ZERO = 0, FRAME_USED = 1, FRAME_FREE_DIRTY = 2 };

int spt_frames_init(struct spt_frames *f, uint8_t *ram, uint64_t ram_base, uint32_t nframes)
{
	f->ram = ram;
	f->ram_base = ram_base;
	f->nframes = nframes;
	f->used = calloc(nframes, 1);
	f->nfree = nframes;
	f->hint = 0;
	if (!f->used) {
		fprintf(stderr, "trapvisor: no memory for the frame map\n");
		return -1;
	}
	return 0;
}

void spt_frames_destroy(struct spt_frames *f)
{
	free(f->used);
	f->used = NULL;
}

uint32_t spt_frame_alloc(struct spt_frames *f)
{
	if (!f->nfree)
		return SPT_NO_FRAME;
	for (uint32_t n = 0; n < f->nframes; n++) {
		uint32_t i = (f->hint + n) % f->nframes;
		if (f->used[i] != FRAME_USED) {
			if (f->used[i] == FRAME_FREE_DIRTY)
				memset(spt_frame_ptr(f, i), 0, SPT_PAGE);
			f->used[i] = FRAME_USED;
			f->nfree--;
			f->hint = i + 1;
			return i;
		}
	}
	return SPT_NO_FRAME;
}

void spt_frame_free(struct spt_frames *f, uint32_t frame)
{
	if (frame < f->nframes && f->used[frame] == FRAME_USED) {
		f->used[frame] = FRAME_FREE_DIRTY;
		f->nfree++;
	}
}
