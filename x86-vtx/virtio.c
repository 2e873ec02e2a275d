/*
 * virtio.c -- virtio devices for the Linux guest: the same device models
 * and virtio-mmio transport as the toy machine's (devices/virtio*.c),
 * put on the x86 machine's MMIO bus: the --disk images in order, then the
 * --net card.
 *
 * Why virtio-mmio and not virtio-pci: Debian's kernel has both as modules,
 * but virtio-pci needs a PCI host bridge (config space through ports
 * 0xcf8/0xcfc, BARs to size and place, MSI-X or INTx routing through a
 * _PRT) -- a second bus to model before the first byte of a disk moves.
 * virtio-mmio is one 4 KiB window of registers per device.  What it needs
 * is a way for Linux to find the windows: the kernel command line's
 * virtio_mmio.device= (not in a module without CONFIG_VIRTIO_MMIO_CMDLINE_
 * DEVICES, which Debian leaves off) or a firmware description.  On x86
 * that is ACPI: a Device with _HID "LNRO0005" in the DSDT, its window and
 * interrupt in _CRS (acpi.c).  Linux makes a platform device of it, and
 * virtio_mmio.ko binds by that ACPI id.  Firecracker and QEMU's microvm
 * machine do the same.
 *
 *   guest store to 0xfeb00050 (QueueNotify)
 *     -> EPT violation, no memory slot there -> KVM_EXIT_MMIO (exits.c)
 *     -> vm->mmio bus -> virtio_mmio_bus_ops -> virtio_dev_notify
 *     -> virtio-blk serves the chain from the image, pushes it used
 *     -> irq_set(GSI 16+i, 1) -> KVM_IRQ_LINE -> in-kernel IOAPIC -> vCPU
 *
 * The device reaches guest memory ("DMA") through our own mapping of the
 * memory slots: a plain memcpy, bounds-checked by vtx_gpa_to_hva.
 */
#include "x86-vtx/vtx.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static int vtx_virtio_dma_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	const void *p = vtx_gpa_to_hva(ctx, gpa, len);
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int vtx_virtio_dma_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	void *p = vtx_gpa_to_hva(ctx, gpa, len);
	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}

/* The device's interrupt: a level on a GSI of KVM's in-kernel IOAPIC.
 * Called with bus_lock held (the device raises it inside an MMIO exit). */
static void vtx_virtio_irq(void *ctrl, int gsi, int level)
{
	struct vtx_vm *vm = ctrl;
	struct kvm_irq_level l = { .irq = (uint32_t)gsi, .level = (uint32_t)level };
	ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
}

int vtx_virtio_add_disk(struct vtx_vm *vm, const struct disk_spec *spec)
{
	if (vm->nvirtio >= VTX_VIRTIO_MAX) {
		fprintf(stderr, "x86: --disk %s: at most %d virtio devices\n", spec->path,
			VTX_VIRTIO_MAX);
		return -1;
	}
	struct vtx_virtio *v = &vm->virtio[vm->nvirtio];
	if (disk_open(&v->disk, spec) < 0)
		return -1;
	snprintf(v->name, sizeof(v->name), "virtio-blk%u", (unsigned)vm->nvirtio % 10u);
	vm->nvirtio++;
	return 0;
}

int vtx_virtio_add_net(struct vtx_vm *vm)
{
	if (vm->nvirtio >= VTX_VIRTIO_MAX) {
		fprintf(stderr, "x86: --net: at most %d virtio devices\n", VTX_VIRTIO_MAX);
		return -1;
	}
	struct vtx_virtio *v = &vm->virtio[vm->nvirtio++];
	v->is_net = 1;
	snprintf(v->name, sizeof(v->name), "virtio-net");
	return 0;
}

/* The card's address: QEMU's prefix 52:54:00 (locally administered), then
 * "tv" and 0. */
static const uint8_t vtx_virtio_mac[6] = { 0x52, 0x54, 0x00, 't', 'v', 0 };

int vtx_virtio_attach(struct vtx_vm *vm)
{
	netswitch_init(&vm->net.sw);
	for (int i = 0; i < vm->nvirtio; i++) {
		struct vtx_virtio *v = &vm->virtio[i];
		struct virtio_mem mem = { vtx_virtio_dma_read, vtx_virtio_dma_write, vm };
		struct irq_line irq = { vtx_virtio_irq, vm, VTX_VIRTIO_GSI + i };
		if (v->is_net) {
			if (virtio_net_init(&v->net, vtx_virtio_mac, &vm->net.sw, "x86-eth0", &mem,
					    &irq) < 0)
				return -1;
			virtio_mmio_init(&v->mmio, &v->net.dev);
		} else {
			virtio_blk_init(&v->blk, &v->disk, &mem, &irq);
			virtio_mmio_init(&v->mmio, &v->blk.dev);
		}
		if (bus_register(&vm->mmio, v->name,
				 VTX_VIRTIO_MMIO + (uint64_t)i * VTX_VIRTIO_SIZE, VTX_VIRTIO_SIZE,
				 &v->mmio, &virtio_mmio_bus_ops) < 0)
			return -1;
	}
	return 0;
}

void vtx_virtio_close(struct vtx_vm *vm)
{
	for (int i = 0; i < vm->nvirtio; i++)
		if (!vm->virtio[i].is_net)
			disk_close(&vm->virtio[i].disk);
	vm->nvirtio = 0;
}

struct vtx_virtio *vtx_virtio_at(struct vtx_vm *vm, uint64_t gpa)
{
	if (gpa < VTX_VIRTIO_MMIO)
		return NULL;
	uint64_t i = (gpa - VTX_VIRTIO_MMIO) / VTX_VIRTIO_SIZE;
	return i < (uint64_t)vm->nvirtio ? &vm->virtio[i] : NULL;
}
