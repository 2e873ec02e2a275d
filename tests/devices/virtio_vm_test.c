/*
 * virtio_vm_test.c -- hostile drivers against the real wiring: a monitor
 * with two VMs, each with a virtio disk on its board; VM 0 plays a
 * hostile driver, writing random ring contents into its own RAM and
 * random values into its virtio-mmio registers (the accesses its MMIO
 * traps would make), seed after seed.  Its device's DMA goes through the
 * VM's own guest-physical map, so afterwards VM 1's memory, the canary
 * frames and VM 1's disk file must be exactly as before, and VM 0's disk
 * file must keep its size.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/monitor.h"
#include "devices/virtio_mmio.h"
#include "tests/monitor/vmhash.h"
#include "isa-toy/board.h"

#define VV_RAM	    (1u << 20)
#define VV_CANARIES 8
#define VV_SEEDS    400
#define VV_DISK	    (256u * 1024)

static uint32_t vv_state;
static uint32_t vv_rnd(void)
{
	vv_state ^= vv_state << 13;
	vv_state ^= vv_state >> 17;
	vv_state ^= vv_state << 5;
	return vv_state;
}

static uint64_t vv_hash_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[4096];
	uint64_t h = VMHASH_START;
	size_t n;
	cr_assert(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		h = vmhash_bytes(buf, n, h);
	fclose(f);
	return h;
}

/* A guest-physical address a hostile driver might name: mostly inside
 * its RAM (often in its randomized first 64 KiB), sometimes just
 * outside, in the devices, or anywhere. */
static uint32_t vv_addr(void)
{
	switch (vv_rnd() % 6) {
	case 0: return vv_rnd();
	case 1: return BOARD_RAM_BASE + VV_RAM - (vv_rnd() % 64);
	case 2: return BOARD_VIRTIO_BASE + (vv_rnd() % 0x9000);
	case 3: return BOARD_RAM_BASE + vv_rnd() % VV_RAM;
	default: return BOARD_RAM_BASE + vv_rnd() % 65536; /* the random part */
	}
}

static void vv_reg(struct vm *vm, uint32_t off, uint32_t val)
{
	bus_write(&vm->plat.bus, BOARD_VIRTIO_BASE + off, 4, val);
}

static void vv_run(enum mon_kind kind)
{
	char img[2][64];
	struct monitor *mon = calloc(1, sizeof(*mon));
	cr_assert_not_null(mon);
	cr_assert_eq(monitor_init(mon, 2 * VV_RAM, 2, kind, false), 0);
	mon->mute = true;
	for (int i = 0; i < 2; i++) {
		strcpy(img[i], "/tmp/trapvisor-vv-XXXXXX");
		int fd = mkstemp(img[i]);
		cr_assert(fd >= 0 && ftruncate(fd, VV_DISK) == 0);
		close(fd);
		struct vm_config vc = { DEVTEST_DIR "/tiny.elf", VV_RAM, NULL, -1, VM_DMA_NONE };
		mon->vm[i] = vm_create(mon, i, &vc);
		cr_assert_not_null(mon->vm[i]);
		mon->nvm = i + 1;
		struct disk_spec spec = { .path = img[i], .format = "raw" };
		cr_assert_eq(platform_add_disks(&mon->vm[i]->plat, &spec, 1), 0);
	}
	struct vm *bad = mon->vm[0], *victim = mon->vm[1];
	uint32_t canary[VV_CANARIES];
	uint64_t canaries = VMHASH_START;
	for (int i = 0; i < VV_CANARIES; i++) {
		canary[i] = spt_frame_alloc(&mon->frames);
		cr_assert_neq(canary[i], SPT_NO_FRAME);
		memset(spt_frame_ptr(&mon->frames, canary[i]), 0x5a ^ i, SPT_PAGE);
		canaries = vmhash_bytes(spt_frame_ptr(&mon->frames, canary[i]), SPT_PAGE, canaries);
	}
	uint64_t victim_ram = vmhash_vm(victim), victim_disk = vv_hash_file(img[1]);

	for (uint32_t seed = 1; seed <= VV_SEEDS; seed++) {
		vv_state = seed * 2654435761u | 1;
		/* Random words over the first 64 KiB of its RAM, where the
		 * rings will mostly point. */
		for (uint32_t off = 0; off < 65536; off += 4) {
			uint32_t w = vv_rnd() % 4 ? vv_rnd() % 64 : vv_addr();
			vm_write_phys(bad, BOARD_RAM_BASE + off, &w, 4);
		}
		/* A plausible setup, then wild register writes and notifies. */
		vv_reg(bad, VIRTIO_MMIO_STATUS, 0);
		vv_reg(bad, VIRTIO_MMIO_STATUS, 3);
		vv_reg(bad, VIRTIO_MMIO_DRIVER_FEAT_SEL, 1);
		vv_reg(bad, VIRTIO_MMIO_DRIVER_FEAT, 1);
		vv_reg(bad, VIRTIO_MMIO_STATUS, 11);
		vv_reg(bad, VIRTIO_MMIO_QUEUE_SEL, 0);
		vv_reg(bad, VIRTIO_MMIO_QUEUE_NUM, 1u << (vv_rnd() % 8));
		vv_reg(bad, VIRTIO_MMIO_QUEUE_DESC, BOARD_RAM_BASE + (vv_rnd() % 64) * 16);
		vv_reg(bad, VIRTIO_MMIO_QUEUE_DRIVER, vv_addr() & ~1u);
		vv_reg(bad, VIRTIO_MMIO_QUEUE_DEVICE, vv_addr() & ~3u);
		vv_reg(bad, VIRTIO_MMIO_QUEUE_READY, 1);
		vv_reg(bad, VIRTIO_MMIO_STATUS, 15);
		for (int k = 0; k < 20; k++) {
			uint32_t off = (vv_rnd() % 0x40) * 4;
			vv_reg(bad, vv_rnd() % 3 ? VIRTIO_MMIO_QUEUE_NOTIFY : off,
			       vv_rnd() % 3 ? 0 : vv_rnd());
		}
	}
	cr_assert_eq(vmhash_vm(victim), victim_ram, "the other VM's memory changed");
	uint64_t h = VMHASH_START;
	for (int i = 0; i < VV_CANARIES; i++)
		h = vmhash_bytes(spt_frame_ptr(&mon->frames, canary[i]), SPT_PAGE, h);
	cr_assert_eq(h, canaries, "a canary frame changed");
	cr_assert_eq(vv_hash_file(img[1]), victim_disk, "the other VM's disk changed");
	struct stat st;
	cr_assert(stat(img[0], &st) == 0 && st.st_size == VV_DISK, "the disk file changed size");
	const struct virtio_dev *d = &bad->plat.vblk[0].dev;
	cr_assert(d->stats.chains > 0 && d->stats.errors > 0,
		  "the seeds should both get requests served and stop the device (chains %llu, "
		  "errors %llu)",
		  (unsigned long long)d->stats.chains, (unsigned long long)d->stats.errors);
	monitor_destroy(mon);
	free(mon);
	unlink(img[0]);
	unlink(img[1]);
}

Test(virtio_vm, hostile_trap)
{
	vv_run(MON_KIND_TRAP);
}

Test(virtio_vm, hostile_vt)
{
	vv_run(MON_KIND_VT);
}
