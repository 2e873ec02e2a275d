/*
 * vmhash.h -- FNV-1a hashes of guest memory for the tests that check a VM
 * was left untouched (the hostile-guest campaign, the virtio devices
 * beside a victim VM): hash its frames before, run the attacker, compare.
 */
#ifndef TESTS_MONITOR_VMHASH_H
#define TESTS_MONITOR_VMHASH_H
#include <stddef.h>
#include <stdint.h>

#include "core/vm.h"
#include "shadowpt/frames.h"

#define VMHASH_START 0xcbf29ce484222325ull /* FNV-1a's offset basis */

/* h extended by the n bytes at p. */
static inline uint64_t vmhash_bytes(const uint8_t *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* h extended by one machine frame. */
static inline uint64_t vmhash_frame(const struct spt_frames *f, uint32_t frame, uint64_t h)
{
	return vmhash_bytes(spt_frame_ptr(f, frame), SPT_PAGE, h);
}

/* The hash of every frame of a VM's guest RAM, in guest-physical order. */
static inline uint64_t vmhash_vm(const struct vm *vm)
{
	uint64_t h = VMHASH_START;
	for (uint32_t i = 0; i < vm->p2r.npages; i++)
		h = vmhash_frame(&vm->mon->frames, vm->p2r.frame[i], h);
	return h;
}
#endif
