/*
 * virtio.h -- the transport-independent half of a virtio device (virtio
 * 1.2): its status, feature negotiation, split virtqueues and interrupt
 * status.  A device model (virtio_blk.c, ...) is written against this
 * file only; a transport (virtio_mmio.c on TRV32, PCI later on x86) turns
 * the guest's register accesses into the calls below.
 *
 *   guest driver --MMIO--> transport --calls--> struct virtio_dev --ops--> model
 *                                                  |  (virtq.c walks the rings in
 *                                                  |   guest memory through `mem`)
 *                                                  `-- irq line --> PLIC
 *
 * The device's life, as the driver drives it (virtio 1.2, 3.1.1):
 *   status = 0                         reset
 *   status |= ACKNOWLEDGE | DRIVER     "I see you, I can drive you"
 *   read device features, write the subset it wants
 *   status |= FEATURES_OK              the device keeps the bit only if
 *                                      the subset is acceptable
 *   per queue: size, ring addresses, ready = 1
 *   status |= DRIVER_OK                live: notifications are served
 *
 * Everything in guest memory is the guest's to scribble on: every index,
 * address and length read from a ring is checked before use, and a
 * malformed chain puts the device in DEVICE_NEEDS_RESET (3.1.2) rather
 * than touching anything outside the guest's RAM.
 */
#ifndef DEVICES_VIRTIO_H
#define DEVICES_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"

/* Device IDs (virtio 1.2, 5). */
#define VIRTIO_ID_NONE	  0 /* an empty transport slot */
#define VIRTIO_ID_NET	  1
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_BALLOON 5

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	 1u   /* the guest noticed the device */
#define VIRTIO_STATUS_DRIVER		 2u   /* the guest knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK		 4u   /* the driver is ready */
#define VIRTIO_STATUS_FEATURES_OK	 8u   /* feature negotiation is complete */
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u  /* the device gave up (bad ring) */
#define VIRTIO_STATUS_FAILED		 128u /* the driver gave up */

/* Feature bits common to all devices (6). */
#define VIRTIO_F_VERSION_1 32 /* the modern interface: required here */

/* Interrupt status bits (4.2.2: InterruptStatus). */
#define VIRTIO_ISR_USED	  1u /* a queue has used buffers */
#define VIRTIO_ISR_CONFIG 2u /* the configuration space changed */

/* Split virtqueue layout (2.7).  All fields little-endian.
 *
 *   descriptor table, 16 bytes each     avail ring            used ring
 *   +--------+-----+-------+------+     +-------+-----+        +-------+-----+
 *   | addr64 |len32|flags16|next16|     |flags16|idx16|        |flags16|idx16|
 *   +--------+-----+-------+------+     +-------+-----+        +-------+-----+
 *                                       | ring[num]: u16 head   | ring[num]: {u32 id,
 *                                       |  of a chain           |   u32 len written}
 */
#define VIRTQ_DESC_SIZE		   16
#define VIRTQ_DESC_F_NEXT	   1u /* the chain goes on at `next` */
#define VIRTQ_DESC_F_WRITE	   2u /* device writes this buffer (else reads) */
#define VIRTQ_DESC_F_INDIRECT	   4u /* not offered: refused */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u /* driver: no interrupt needed */

#define VIRTIO_MAX_QUEUES 2  /* enough for blk (1) and net (rx, tx) */
#define VIRTQ_MAX_SIZE	  64 /* QueueNumMax: the largest ring we accept */
#define VIRTQ_MAX_SEGS	  VIRTQ_MAX_SIZE

/* Guest memory as the device reaches it (its "DMA"): 0, or -1 if the
 * range is not all inside the guest's RAM. */
struct virtio_mem {
	int (*read)(void *ctx, uint64_t gpa, void *buf, uint32_t len);
	int (*write)(void *ctx, uint64_t gpa, const void *buf, uint32_t len);
	void *ctx;
};

/* One virtqueue, as the driver set it up. */
struct virtq {
	uint16_t num;		    /* ring size the driver chose (power of 2) */
	bool ready;		    /* QueueReady */
	uint64_t desc, avail, used; /* guest-physical ring addresses */
	uint16_t last_avail;	    /* next avail ring entry to take */
	uint16_t used_idx;	    /* our copy of used->idx */
};

/* One buffer of a chain: guest-physical, checked to lie in guest RAM. */
struct virtq_seg {
	uint64_t addr;
	uint32_t len;
	bool write; /* device-writable */
};

/* A descriptor chain taken from the avail ring: its readable buffers
 * first, then its writable ones (the spec demands that order). */
struct virtq_chain {
	uint16_t head;
	int nseg, nread; /* segments; how many of the first are readable */
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
	uint64_t read_len, write_len; /* total bytes of each kind */
};

struct virtio_dev;

/* What a device model supplies. */
struct virtio_dev_ops {
	const char *name; /* "virtio-blk" */
	/* The driver made queue `q` available (QueueNotify). */
	void (*notify)(struct virtio_dev *d, unsigned q);
	/* Read `size` bytes (1, 2, 4) of the config space at `off`; false if
	 * out of range. */
	bool (*config_read)(struct virtio_dev *d, uint32_t off, unsigned size, uint32_t *val);
	/* Write `size` bytes of the config space at `off` (NULL: the config
	 * space is read-only, and writes are ignored); false if out of
	 * range. */
	bool (*config_write)(struct virtio_dev *d, uint32_t off, unsigned size, uint32_t val);
};

/* Counters for --stats. */
struct virtio_stats {
	uint64_t notifies;   /* QueueNotify writes */
	uint64_t chains;     /* descriptor chains served */
	uint64_t interrupts; /* times the interrupt line was raised */
	uint64_t errors;     /* malformed chains (-> DEVICE_NEEDS_RESET) */
};

/* The transport-independent state of one device. */
struct virtio_dev {
	const struct virtio_dev_ops *ops; /* NULL: an empty slot */
	void *model;			  /* the device model's own state */
	uint32_t device_id;
	uint64_t host_features;	  /* offered */
	uint64_t driver_features; /* accepted by the driver */
	uint32_t status;
	uint32_t isr; /* VIRTIO_ISR_* not yet acknowledged */
	uint32_t config_generation;
	unsigned nqueues;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	struct virtio_mem mem;
	struct irq_line irq;
	struct virtio_stats stats;
	const char *error; /* why DEVICE_NEEDS_RESET, for --stats */
};

/* Set up `d` for a model with `nqueues` queues offering `features` (plus
 * VIRTIO_F_VERSION_1), DMA through `mem`, interrupting on `irq`.  ops ==
 * NULL makes an empty slot (device ID 0). */
void virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops, void *model,
		     uint32_t device_id, unsigned nqueues, uint64_t features,
		     const struct virtio_mem *mem, const struct irq_line *irq);

/* Reset to the state after power-on (status 0 written): queues forgotten,
 * interrupt lowered. */
void virtio_dev_reset(struct virtio_dev *d);

/* A status write by the driver.  Writing 0 resets.  FEATURES_OK sticks
 * only if the driver accepted VIRTIO_F_VERSION_1 and nothing that was not
 * offered; DRIVER_OK only after FEATURES_OK. */
void virtio_dev_set_status(struct virtio_dev *d, uint32_t status);

/* The driver accepts features: word `sel` (0 = bits 0..31, 1 = 32..63).
 * Ignored once FEATURES_OK is set (2.2). */
void virtio_dev_set_features(struct virtio_dev *d, unsigned sel, uint32_t bits);

/* The driver acknowledges interrupt bits; the line drops when none is
 * left. */
void virtio_dev_ack(struct virtio_dev *d, uint32_t bits);

/* The driver notifies queue `q`: the model serves it if the device is
 * live (DRIVER_OK, queue ready, not NEEDS_RESET). */
void virtio_dev_notify(struct virtio_dev *d, unsigned q);

/* --- for device models --- */

/* Take the next available chain of queue `q` into *c.  1 if one was
 * taken, 0 if the ring is empty, -1 if the ring or the chain is malformed
 * (the device is then in DEVICE_NEEDS_RESET; stop serving). */
int virtq_pop(struct virtio_dev *d, unsigned q, struct virtq_chain *c);

/* Return chain `c` to the driver with `len` bytes written into its
 * writable buffers, and interrupt unless the driver asked not to.  0, or
 * -1 (NEEDS_RESET) if the used ring is not in guest RAM. */
int virtq_push(struct virtio_dev *d, unsigned q, const struct virtq_chain *c, uint32_t len);

/* Copy `len` bytes at offset `off` of the chain's readable bytes into
 * `buf` (virtq_chain_read), or from `buf` into its writable bytes at
 * `off` (virtq_chain_write).  0, or -1 if the chain is too short or the
 * guest memory access failed. */
int virtq_chain_read(struct virtio_dev *d, const struct virtq_chain *c, uint64_t off, void *buf,
		     uint32_t len);
int virtq_chain_write(struct virtio_dev *d, const struct virtq_chain *c, uint64_t off,
		      const void *buf, uint32_t len);

/* A config-space read of `size` bytes at `off` from the model's config
 * bytes `cfg` (cfglen of them, in the spec's little-endian layout): true
 * and *val, or false if out of range or wider than 4 bytes. */
bool virtio_config_bytes(const uint8_t *cfg, uint32_t cfglen, uint32_t off, unsigned size,
			 uint32_t *val);

/* Give up on the driver: DEVICE_NEEDS_RESET, a config interrupt, and
 * `why` remembered for --stats.  Returns -1 for the caller to pass on. */
int virtio_dev_fail(struct virtio_dev *d, const char *why);

/* The device changed its config space on its own (a new balloon
 * target): a new generation, and a config interrupt if the driver is up
 * (4.2.2: InterruptStatus bit 1). */
void virtio_dev_config_changed(struct virtio_dev *d);

/* The device is live: the driver said DRIVER_OK and it has not failed. */
bool virtio_dev_live(const struct virtio_dev *d);

/* --- for inspectors (the debugger's `info virtq`): read-only --- */

/* One descriptor as it stands in the guest's table. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* The driver's avail->idx and the used->idx of queue `q`, as they stand
 * in guest memory now.  0, or -1 if the queue is not set up or the ring
 * is not in guest RAM.  Changes nothing, not even the device's copies. */
int virtq_peek_idx(const struct virtio_dev *d, unsigned q, uint16_t *avail_idx, uint16_t *used_idx);

/* Descriptor `i` of queue `q` (i < num), and the head of avail ring
 * entry `slot` (taken modulo num).  0, or -1 as virtq_peek_idx. */
int virtq_peek_desc(const struct virtio_dev *d, unsigned q, uint16_t i, struct virtq_desc *out);
int virtq_peek_avail(const struct virtio_dev *d, unsigned q, uint16_t slot, uint16_t *head);

/* Snapshots (core/state.c): the transport state of device `d` -- features,
 * status, interrupt status, each queue's ring addresses and indexes --
 * not its wiring or model.  A request is served whole when notified, so
 * nothing is ever in flight between two instructions.  virtio_restore: 0,
 * or -1 if short or impossible (a queue size that is not a power of two
 * or too big); load into a freshly attached device only. */
struct sbuf;
void virtio_snapshot(const struct virtio_dev *d, struct sbuf *b);
int virtio_restore(struct virtio_dev *d, struct sbuf *b);

#endif
