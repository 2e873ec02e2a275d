/*
 * virtio_mmio.h -- the virtio-mmio transport, version 2 (virtio 1.2,
 * 4.2.2): a 4 KiB window of 32-bit registers per device, as QEMU's `virt`
 * board has eight of them from 0x10001000.
 *
 *   0x000 MagicValue        R  0x74726976 ("virt")
 *   0x004 Version           R  2 (the modern interface)
 *   0x008 DeviceID          R  0 = empty slot, 1 net, 2 block
 *   0x00c VendorID          R
 *   0x010 DeviceFeatures    R  32 bits of the offer, selected by:
 *   0x014 DeviceFeaturesSel W
 *   0x020 DriverFeatures    W  32 bits the driver accepts, selected by:
 *   0x024 DriverFeaturesSel W
 *   0x030 QueueSel          W  the queue the registers below address
 *   0x034 QueueNumMax       R  largest ring (0: no such queue)
 *   0x038 QueueNum          W  ring size the driver chose
 *   0x044 QueueReady        RW
 *   0x050 QueueNotify       W  "queue n has new buffers"
 *   0x060 InterruptStatus   R  bit 0 used buffers, bit 1 config change
 *   0x064 InterruptACK      W
 *   0x070 Status            RW device status (0 resets)
 *   0x080 QueueDescLow/High       RW ring addresses (64 bits as two
 *   0x090 QueueDriverLow/High     RW  halves): descriptor table,
 *   0x0a0 QueueDeviceLow/High     RW  avail ("driver") and used ("device")
 *   0x0fc ConfigGeneration  R
 *   0x100 Config            RW the device's own configuration space
 *
 * Registers below 0x100 take aligned 32-bit accesses only; the config
 * space takes 1, 2 and 4 bytes.  Anything else is an access fault.  Queue
 * registers cannot change while the queue is ready (the spec forbids it;
 * we ignore such writes).
 */
#ifndef DEVICES_VIRTIO_MMIO_H
#define DEVICES_VIRTIO_MMIO_H

#include "devices/bus.h"
#include "devices/virtio.h"

#define VIRTIO_MMIO_MAGIC	    0x000u
#define VIRTIO_MMIO_VERSION	    0x004u
#define VIRTIO_MMIO_DEVICE_ID	    0x008u
#define VIRTIO_MMIO_VENDOR_ID	    0x00cu
#define VIRTIO_MMIO_DEVICE_FEAT	    0x010u
#define VIRTIO_MMIO_DEVICE_FEAT_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEAT	    0x020u
#define VIRTIO_MMIO_DRIVER_FEAT_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL	    0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX   0x034u
#define VIRTIO_MMIO_QUEUE_NUM	    0x038u
#define VIRTIO_MMIO_QUEUE_READY	    0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY    0x050u
#define VIRTIO_MMIO_INT_STATUS	    0x060u
#define VIRTIO_MMIO_INT_ACK	    0x064u
#define VIRTIO_MMIO_STATUS	    0x070u
#define VIRTIO_MMIO_QUEUE_DESC	    0x080u /* low; high at +4 */
#define VIRTIO_MMIO_QUEUE_DRIVER    0x090u
#define VIRTIO_MMIO_QUEUE_DEVICE    0x0a0u
#define VIRTIO_MMIO_CONFIG_GEN	    0x0fcu
#define VIRTIO_MMIO_CONFIG	    0x100u

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_2	2u
#define VIRTIO_MMIO_VENDOR	0x56544152u /* "RATV": trapvisor's own */

/* One transport slot and the device behind it. */
struct virtio_mmio {
	struct virtio_dev *dev; /* the device (dev->ops NULL: empty slot) */
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
};

/* Put `dev` behind slot `m`. */
void virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *dev);

/* Bus callbacks; the region's dev pointer is the struct virtio_mmio. */
extern const struct bus_ops virtio_mmio_bus_ops;

#endif
