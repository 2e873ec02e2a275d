/*
 * virtio_balloon.h -- the traditional memory balloon (virtio 1.2, 5.5):
 * how a monitor takes memory back from a guest *with the guest's help*.
 *
 * The monitor cannot tell which guest-physical pages the guest is not
 * using: to the monitor, a page the guest freed long ago looks exactly
 * like one it needs.  So the monitor asks instead.  It sets a target in
 * the config space and raises a config interrupt; the driver in the
 * guest kernel allocates that many pages from its own allocator (so the
 * guest will not use them: it believes a driver holds them), and sends
 * their page numbers to the device.  The monitor can then drop those
 * pages: no copy, no swap file, no later read back.
 *
 *   queue 0 (inflateq)  chains of readable buffers: arrays of le32 page
 *                       frame numbers (guest-physical address >> 12)
 *                       the guest gives up
 *   queue 1 (deflateq)  the same, for pages the guest takes back
 *
 * Config space: le32 num_pages (the device's target, read-only to the
 * driver) at 0, le32 actual (the driver's count, written by it) at 4.
 *
 * We offer no feature but VERSION_1: without VIRTIO_BALLOON_F_MUST_TELL_HOST
 * a guest may touch a page it deflated before telling us, and the monitor
 * simply gives it a zeroed page on that touch (the contents of a ballooned
 * page are gone either way).
 */
#ifndef DEVICES_VIRTIO_BALLOON_H
#define DEVICES_VIRTIO_BALLOON_H

#include "devices/virtio.h"

#define VIRTIO_BALLOON_INFLATEQ	   0
#define VIRTIO_BALLOON_DEFLATEQ	   1
#define VIRTIO_BALLOON_PFN_SHIFT   12
#define VIRTIO_BALLOON_CONFIG_SIZE 8u

/* What the balloon asks of whoever owns the guest's memory (the monitor,
 * core/reclaim.c): `give` -- the guest gave up the page at `gpa`, drop it;
 * `take` -- the guest takes it back.  Each returns false if `gpa` is not
 * a page of guest RAM (the device counts it as refused, and goes on). */
struct virtio_balloon_host {
	bool (*give)(void *ctx, uint64_t gpa);
	bool (*take)(void *ctx, uint64_t gpa);
	void *ctx;
};

struct virtio_balloon_stats {
	uint64_t inflated; /* page numbers received on inflateq */
	uint64_t deflated; /* ... on deflateq */
	uint64_t refused;  /* of those, not a page of guest RAM */
	uint64_t requests; /* times the target was changed */
};

struct virtio_balloon {
	struct virtio_dev dev;
	struct virtio_balloon_host host;
	uint32_t num_pages; /* the target: pages the monitor wants */
	uint32_t actual;    /* pages the driver says it holds */
	struct virtio_balloon_stats stats;
};

/* Set up `b` serving `host`, reaching guest memory through `mem` and
 * interrupting on `irq`; the target starts at 0. */
void virtio_balloon_init(struct virtio_balloon *b, const struct virtio_balloon_host *host,
			 const struct virtio_mem *mem, const struct irq_line *irq);

/* The monitor asks for a balloon of `pages` pages: the config space
 * changes and, if the driver is up, a config interrupt tells it so. */
void virtio_balloon_set_target(struct virtio_balloon *b, uint32_t pages);

#endif
