/*
 * snapshot.c -- save a whole running VM to a file and bring it back in a
 * new process, where the guest simply continues (`--snapshot-on`,
 * `--restore`).
 *
 * What a KVM guest *is*, at a moment when no vCPU is inside KVM_RUN:
 *
 *   per vCPU   general registers (KVM_GET_REGS), segment and control
 *              registers (SREGS), FPU/SSE/AVX state (XSAVE) and XCR0
 *              (XCRS), the MSRs KVM lists (KVM_GET_MSR_INDEX_LIST: TSC,
 *              EFER, syscall MSRs, kvmclock's, the TSC deadline, ...), the
 *              local APIC's 1 KiB register page (LAPIC), pending
 *              exceptions/interrupts/NMIs (VCPU_EVENTS), running or halted
 *              or waiting for SIPI (MP_STATE), debug registers
 *   the VM     the in-kernel 8259 PICs and IOAPIC (IRQCHIP), the PIT
 *              (PIT2), kvmclock's base (CLOCK)
 *   ours       the machine's configuration (RAM size, vCPUs, the disks'
 *              files, the --net spec), COM1's registers and FIFO, each
 *              virtio device's status, features and queues, guest RAM
 *
 * Before reading anything, every vCPU enters KVM_RUN once more with
 * immediate_exit set: KVM finishes an instruction whose I/O we answered
 * (an IN's value is only in RAX after that) and returns at once.
 *
 * The file: a header, then sections, each with its own checksum.
 *
 *   "TVX86SNP" u32 version u32 0            header (16 bytes)
 *   u32 tag u32 index u64 length u64 fnv1a  section header (24 bytes)
 *   length bytes                            its payload
 *   ...                                     the last section is END
 *
 * Guest RAM is stored sparsely: a bitmap of the 4 KiB pages that are not
 * all zero, then those pages.  The whole file is read and checked before
 * /dev/kvm is opened, so a corrupt, truncated or other-version file gets a
 * one-line error and exit status 2 on any host.
 */
#include "x86-vtx/snapshot.h"
#include "devices/statebuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define SNAP_MAGIC   "TVX86SNP"
#define SNAP_VERSION 1
#define SNAP_PAGE    4096u
#define SNAP_MSRS    512

enum snap_tag {
	SNAP_END = 0,
	SNAP_CONFIG,
	SNAP_VCPU,
	SNAP_IRQCHIP,
	SNAP_PIT,
	SNAP_CLOCK,
	SNAP_COM1,
	SNAP_VIRTIO,
	SNAP_MEM,
	SNAP_TAGS
};

static const char *const snap_tag_names[SNAP_TAGS] = {
	"end", "config", "vcpu", "irqchip", "pit", "clock", "com1", "virtio", "memory",
};

/* One vCPU, as KVM's own structures (their layouts are the KVM ABI). */
struct snap_vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_xsave xsave;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_mp_state mp;
	struct kvm_debugregs debug;
	uint32_t nmsrs, pad;
	struct kvm_msr_entry msrs[SNAP_MSRS];
};

struct snap_irqchip {
	struct kvm_irqchip chip[3]; /* PIC master, PIC slave, IOAPIC */
};

struct snap_com1 {
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm, lsr_oe;
	int32_t thre_pending, irq_level;
	uint32_t head, count;
	uint8_t fifo[UART_FIFO_SIZE];
};

struct snap_virtq {
	uint64_t desc, avail, used;
	uint16_t num, last_avail, used_idx, ready;
};

struct snap_virtio {
	uint32_t device_id, status, isr, config_generation;
	uint64_t host_features, driver_features;
	uint32_t dev_features_sel, drv_features_sel, queue_sel, nqueues;
	struct snap_virtq vq[VIRTIO_MAX_QUEUES];
};

/* 64-bit FNV-1a: a simple checksum that catches flipped and lost bytes. */
static uint64_t snap_fnv(const void *p, size_t n)
{
	return sbuf_fnv1a(SBUF_FNV_BASIS, p, n);
}

/* --- writing --- */

struct snap_out {
	FILE *f;
	const char *path;
	int failed;
};

static void snap_section(struct snap_out *o, uint32_t tag, uint32_t index, const void *p,
			 uint64_t len)
{
	struct {
		uint32_t tag, index;
		uint64_t len, sum;
	} h = { tag, index, len, snap_fnv(p, len) };
	if (fwrite(&h, sizeof(h), 1, o->f) != 1 || (len && fwrite(p, len, 1, o->f) != 1))
		o->failed = 1;
}

/* Complete pending I/O, then read one vCPU's state.  -1 names what failed. */
static int snap_get_vcpu(struct vtx_vm *vm, struct vtx_vcpu *c, struct snap_vcpu *s)
{
	c->run->immediate_exit = 1;
	if (ioctl(c->fd, KVM_RUN, 0) == 0 || (errno != EINTR && errno != EAGAIN)) {
		fprintf(stderr, "x86: snapshot: vCPU %d would not stop cleanly\n", c->id);
		return -1;
	}
	const struct {
		unsigned long req;
		void *arg;
		const char *name;
	} gets[] = {
		{ KVM_GET_REGS, &s->regs, "KVM_GET_REGS" },
		{ KVM_GET_SREGS, &s->sregs, "KVM_GET_SREGS" },
		{ KVM_GET_XSAVE, &s->xsave, "KVM_GET_XSAVE" },
		{ KVM_GET_XCRS, &s->xcrs, "KVM_GET_XCRS" },
		{ KVM_GET_LAPIC, &s->lapic, "KVM_GET_LAPIC" },
		{ KVM_GET_VCPU_EVENTS, &s->events, "KVM_GET_VCPU_EVENTS" },
		{ KVM_GET_MP_STATE, &s->mp, "KVM_GET_MP_STATE" },
		{ KVM_GET_DEBUGREGS, &s->debug, "KVM_GET_DEBUGREGS" },
	};
	for (size_t i = 0; i < sizeof(gets) / sizeof(gets[0]); i++)
		if (ioctl(c->fd, gets[i].req, gets[i].arg) < 0) {
			fprintf(stderr, "x86: snapshot: %s on vCPU %d: %s\n", gets[i].name, c->id,
				strerror(errno));
			return -1;
		}
	/* Every MSR KVM knows how to save, one at a time: KVM_GET_MSRS stops
	 * at the first one this CPU lacks. */
	struct {
		struct kvm_msr_list l;
		uint32_t idx[SNAP_MSRS];
	} list = { .l.nmsrs = SNAP_MSRS };
	if (ioctl(vm->kvm_fd, KVM_GET_MSR_INDEX_LIST, &list) < 0) {
		fprintf(stderr, "x86: snapshot: KVM_GET_MSR_INDEX_LIST: %s\n", strerror(errno));
		return -1;
	}
	s->nmsrs = 0;
	for (uint32_t i = 0; i < list.l.nmsrs && i < SNAP_MSRS; i++) {
		struct {
			struct kvm_msrs h;
			struct kvm_msr_entry e;
		} one = { .h.nmsrs = 1, .e.index = list.l.indices[i] };
		if (ioctl(c->fd, KVM_GET_MSRS, &one) == 1)
			s->msrs[s->nmsrs++] = one.e;
	}
	return 0;
}

static void snap_put_com1(const struct uart16550 *u, struct snap_com1 *s)
{
	memset(s, 0, sizeof(*s));
	s->ier = u->ier;
	s->lcr = u->lcr;
	s->mcr = u->mcr;
	s->scr = u->scr;
	s->fcr = u->fcr;
	s->dll = u->dll;
	s->dlm = u->dlm;
	s->lsr_oe = u->lsr_oe;
	s->thre_pending = u->thre_pending;
	s->irq_level = u->irq_level;
	s->head = u->head;
	s->count = u->count;
	memcpy(s->fifo, u->fifo, sizeof(s->fifo));
}

static void snap_put_virtio(const struct vtx_virtio *v, struct snap_virtio *s)
{
	const struct virtio_dev *d = v->mmio.dev;
	memset(s, 0, sizeof(*s));
	s->device_id = d->device_id;
	s->status = d->status;
	s->isr = d->isr;
	s->config_generation = d->config_generation;
	s->host_features = d->host_features;
	s->driver_features = d->driver_features;
	s->dev_features_sel = v->mmio.dev_features_sel;
	s->drv_features_sel = v->mmio.drv_features_sel;
	s->queue_sel = v->mmio.queue_sel;
	s->nqueues = d->nqueues;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		const struct virtq *vq = &d->vq[q];
		s->vq[q] = (struct snap_virtq){ vq->desc,	vq->avail,    vq->used, vq->num,
						vq->last_avail, vq->used_idx, vq->ready };
	}
}

/* Guest RAM of one slot: gpa, size, the bitmap of non-zero pages, those
 * pages.  Returns a malloc'd payload and its length, or NULL. */
static uint8_t *snap_pack_mem(const struct vtx_slot *s, uint64_t *len)
{
	uint64_t pages = s->size / SNAP_PAGE, used = 0;
	uint64_t bm_len = (pages + 7) / 8;
	uint8_t *bm = calloc(1, bm_len ? bm_len : 1);
	if (!bm)
		return NULL;
	static const uint8_t zero[SNAP_PAGE];
	for (uint64_t p = 0; p < pages; p++)
		if (memcmp(s->hva + p * SNAP_PAGE, zero, SNAP_PAGE)) {
			bm[p / 8] |= (uint8_t)(1u << (p % 8));
			used++;
		}
	*len = 16 + bm_len + used * SNAP_PAGE;
	uint8_t *out = malloc(*len);
	if (out) {
		memcpy(out, &s->gpa, 8);
		memcpy(out + 8, &s->size, 8);
		memcpy(out + 16, bm, bm_len);
		uint8_t *w = out + 16 + bm_len;
		for (uint64_t p = 0; p < pages; p++)
			if (bm[p / 8] & (1u << (p % 8))) {
				memcpy(w, s->hva + p * SNAP_PAGE, SNAP_PAGE);
				w += SNAP_PAGE;
			}
	}
	free(bm);
	return out;
}

int vtx_snapshot_save(struct vtx_vm *vm, const struct vtx_snap_config *cfg, const char *path)
{
	struct snap_out o = { fopen(path, "wb"), path, 0 };
	if (!o.f) {
		fprintf(stderr, "x86: snapshot %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = -1;
	struct snap_vcpu *sv = calloc(1, sizeof(*sv));
	if (!sv)
		goto out;
	fwrite(SNAP_MAGIC, 8, 1, o.f);
	uint32_t ver[2] = { SNAP_VERSION, 0 };
	fwrite(ver, sizeof(ver), 1, o.f);
	snap_section(&o, SNAP_CONFIG, 0, cfg, sizeof(*cfg));
	for (int i = 0; i < vm->ncpus; i++) {
		memset(sv, 0, sizeof(*sv));
		if (snap_get_vcpu(vm, &vm->vcpus[i], sv) < 0)
			goto out;
		snap_section(&o, SNAP_VCPU, (uint32_t)i, sv, sizeof(*sv));
	}
	struct snap_irqchip chips;
	memset(&chips, 0, sizeof(chips));
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock;
	memset(&clock, 0, sizeof(clock));
	for (uint32_t i = 0; i < 3; i++) {
		chips.chip[i].chip_id = i;
		if (ioctl(vm->vm_fd, KVM_GET_IRQCHIP, &chips.chip[i]) < 0) {
			fprintf(stderr, "x86: snapshot: KVM_GET_IRQCHIP %u: %s\n", i,
				strerror(errno));
			goto out;
		}
	}
	if (ioctl(vm->vm_fd, KVM_GET_PIT2, &pit) < 0 ||
	    ioctl(vm->vm_fd, KVM_GET_CLOCK, &clock) < 0) {
		fprintf(stderr, "x86: snapshot: KVM_GET_PIT2/KVM_GET_CLOCK: %s\n", strerror(errno));
		goto out;
	}
	snap_section(&o, SNAP_IRQCHIP, 0, &chips, sizeof(chips));
	snap_section(&o, SNAP_PIT, 0, &pit, sizeof(pit));
	snap_section(&o, SNAP_CLOCK, 0, &clock, sizeof(clock));
	struct snap_com1 com1;
	snap_put_com1(&vm->com1, &com1);
	snap_section(&o, SNAP_COM1, 0, &com1, sizeof(com1));
	for (int i = 0; i < vm->nvirtio; i++) {
		struct snap_virtio sv2;
		snap_put_virtio(&vm->virtio[i], &sv2);
		snap_section(&o, SNAP_VIRTIO, (uint32_t)i, &sv2, sizeof(sv2));
		if (!vm->virtio[i].is_net)
			disk_flush(&vm->virtio[i].disk); /* the image is part of the state */
	}
	for (int i = 0; i < vm->nslots; i++) {
		uint64_t len;
		uint8_t *mem = snap_pack_mem(&vm->slots[i], &len);
		if (!mem) {
			fprintf(stderr, "x86: snapshot: out of memory packing guest RAM\n");
			goto out;
		}
		snap_section(&o, SNAP_MEM, (uint32_t)i, mem, len);
		free(mem);
	}
	snap_section(&o, SNAP_END, 0, NULL, 0);
	rc = 0;
out:
	free(sv);
	if (fclose(o.f) != 0 || o.failed) {
		fprintf(stderr, "x86: snapshot %s: write failed: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* --- reading --- */

struct vtx_snapshot {
	uint8_t *file;
	size_t size;
	struct {
		const uint8_t *p;
		uint64_t len;
	} sec[SNAP_TAGS][VTX_MAX_CPUS > VTX_VIRTIO_MAX ? VTX_MAX_CPUS : VTX_VIRTIO_MAX];
	const struct vtx_snap_config *cfg;
};

/* The expected payload size of each fixed-size section (0: variable). */
static uint64_t snap_fixed_len(uint32_t tag)
{
	switch (tag) {
	case SNAP_END: return 0;
	case SNAP_CONFIG: return sizeof(struct vtx_snap_config);
	case SNAP_VCPU: return sizeof(struct snap_vcpu);
	case SNAP_IRQCHIP: return sizeof(struct snap_irqchip);
	case SNAP_PIT: return sizeof(struct kvm_pit_state2);
	case SNAP_CLOCK: return sizeof(struct kvm_clock_data);
	case SNAP_COM1: return sizeof(struct snap_com1);
	case SNAP_VIRTIO: return sizeof(struct snap_virtio);
	default: return UINT64_MAX;
	}
}

void vtx_snapshot_free(struct vtx_snapshot *s)
{
	if (s)
		free(s->file);
	free(s);
}

struct vtx_snapshot *vtx_snapshot_read(const char *path)
{
	struct vtx_snapshot *s = calloc(1, sizeof(*s));
	if (!s || vtx_read_file(path, "snapshot", &s->file, &s->size) < 0) {
		vtx_snapshot_free(s);
		return NULL;
	}
	const char *why = NULL;
	char buf[160];
	uint32_t ver;
	if (s->size < 16 || memcmp(s->file, SNAP_MAGIC, 8)) {
		why = "not a trapvisor x86 snapshot (no TVX86SNP header)";
		goto bad;
	}
	memcpy(&ver, s->file + 8, 4);
	if (ver != SNAP_VERSION) {
		snprintf(buf, sizeof(buf), "snapshot version %u, this trapvisor reads version %u",
			 ver, SNAP_VERSION);
		why = buf;
		goto bad;
	}
	size_t at = 16;
	int ended = 0;
	while (!ended) {
		struct {
			uint32_t tag, index;
			uint64_t len, sum;
		} h;
		if (s->size - at < sizeof(h)) {
			why = "truncated (a section header is cut off)";
			goto bad;
		}
		memcpy(&h, s->file + at, sizeof(h));
		at += sizeof(h);
		if (h.tag >= SNAP_TAGS || h.index >= sizeof(s->sec[0]) / sizeof(s->sec[0][0])) {
			snprintf(buf, sizeof(buf), "unknown section %u.%u at byte %zu", h.tag,
				 h.index, at - sizeof(h));
			why = buf;
			goto bad;
		}
		if (h.len > s->size - at) {
			snprintf(buf, sizeof(buf), "truncated (the %s section needs %llu bytes)",
				 snap_tag_names[h.tag], (unsigned long long)h.len);
			why = buf;
			goto bad;
		}
		uint64_t want = snap_fixed_len(h.tag);
		if (want != UINT64_MAX && h.len != want) {
			snprintf(buf, sizeof(buf), "the %s section has %llu bytes, expected %llu",
				 snap_tag_names[h.tag], (unsigned long long)h.len,
				 (unsigned long long)want);
			why = buf;
			goto bad;
		}
		if (snap_fnv(s->file + at, h.len) != h.sum) {
			snprintf(buf, sizeof(buf),
				 "checksum mismatch in the %s section %u: corrupt",
				 snap_tag_names[h.tag], h.index);
			why = buf;
			goto bad;
		}
		s->sec[h.tag][h.index].p = s->file + at;
		s->sec[h.tag][h.index].len = h.len;
		at += h.len;
		ended = h.tag == SNAP_END;
	}
	s->cfg = (const struct vtx_snap_config *)s->sec[SNAP_CONFIG][0].p;
	if (!s->cfg || !s->sec[SNAP_IRQCHIP][0].p || !s->sec[SNAP_PIT][0].p ||
	    !s->sec[SNAP_CLOCK][0].p || !s->sec[SNAP_COM1][0].p || !s->sec[SNAP_MEM][0].p) {
		why = "a section is missing";
		goto bad;
	}
	if (s->cfg->ncpus < 1 || s->cfg->ncpus > VTX_MAX_CPUS || s->cfg->ndisks > VTX_VIRTIO_MAX) {
		why = "the machine it describes is out of range";
		goto bad;
	}
	for (uint32_t i = 0; i < s->cfg->ncpus; i++)
		if (!s->sec[SNAP_VCPU][i].p) {
			why = "a vCPU section is missing";
			goto bad;
		}
	return s;
bad:
	fprintf(stderr, "x86: --restore %s: %s\n", path, why);
	vtx_snapshot_free(s);
	return NULL;
}

const struct vtx_snap_config *vtx_snapshot_config(const struct vtx_snapshot *s)
{
	return s->cfg;
}

static int snap_set_vcpu(struct vtx_vcpu *c, const struct snap_vcpu *s)
{
	const struct {
		unsigned long req;
		const void *arg;
		const char *name;
	} sets[] = {
		{ KVM_SET_REGS, &s->regs, "KVM_SET_REGS" },
		{ KVM_SET_XSAVE, &s->xsave, "KVM_SET_XSAVE" },
		{ KVM_SET_XCRS, &s->xcrs, "KVM_SET_XCRS" },
		{ KVM_SET_SREGS, &s->sregs, "KVM_SET_SREGS" },
		/* The LAPIC before the MSRs: the TSC deadline MSR is only
		 * accepted once the timer is in TSC-deadline mode. */
		{ KVM_SET_LAPIC, &s->lapic, "KVM_SET_LAPIC" },
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (ioctl(c->fd, sets[i].req, sets[i].arg) < 0) {
			fprintf(stderr, "x86: --restore: %s on vCPU %d: %s\n", sets[i].name, c->id,
				strerror(errno));
			return -1;
		}
	int refused = 0;
	for (uint32_t i = 0; i < s->nmsrs && i < SNAP_MSRS; i++) {
		struct {
			struct kvm_msrs h;
			struct kvm_msr_entry e;
		} one = { .h.nmsrs = 1, .e = s->msrs[i] };
		if (ioctl(c->fd, KVM_SET_MSRS, &one) != 1)
			refused++;
	}
	if (refused)
		fprintf(stderr, "x86: --restore: vCPU %d: KVM refused %d of %u MSRs\n", c->id,
			refused, s->nmsrs);
	if (ioctl(c->fd, KVM_SET_MP_STATE, &s->mp) < 0 ||
	    ioctl(c->fd, KVM_SET_VCPU_EVENTS, &s->events) < 0 ||
	    ioctl(c->fd, KVM_SET_DEBUGREGS, &s->debug) < 0) {
		fprintf(stderr, "x86: --restore: MP_STATE/VCPU_EVENTS/DEBUGREGS on vCPU %d: %s\n",
			c->id, strerror(errno));
		return -1;
	}
	return 0;
}

static void snap_get_com1(struct vtx_vm *vm, const struct snap_com1 *s)
{
	struct uart16550 *u = &vm->com1;
	u->ier = s->ier;
	u->lcr = s->lcr;
	u->mcr = s->mcr;
	u->scr = s->scr;
	u->fcr = s->fcr;
	u->dll = s->dll;
	u->dlm = s->dlm;
	u->lsr_oe = s->lsr_oe;
	u->thre_pending = s->thre_pending;
	u->head = s->head % UART_FIFO_SIZE;
	u->count = s->count <= UART_FIFO_SIZE ? s->count : 0;
	memcpy(u->fifo, s->fifo, sizeof(u->fifo));
	u->irq_level = s->irq_level;
	irq_set(&u->irq, u->irq_level); /* the line as it was */
}

static int snap_get_virtio(struct vtx_virtio *v, const struct snap_virtio *s)
{
	struct virtio_dev *d = v->mmio.dev;
	if (s->device_id != d->device_id || s->nqueues != d->nqueues)
		return -1;
	d->status = s->status;
	d->isr = s->isr;
	d->config_generation = s->config_generation;
	d->driver_features = s->driver_features;
	v->mmio.dev_features_sel = s->dev_features_sel;
	v->mmio.drv_features_sel = s->drv_features_sel;
	v->mmio.queue_sel = s->queue_sel;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		d->vq[q].desc = s->vq[q].desc;
		d->vq[q].avail = s->vq[q].avail;
		d->vq[q].used = s->vq[q].used;
		d->vq[q].num = s->vq[q].num;
		d->vq[q].last_avail = s->vq[q].last_avail;
		d->vq[q].used_idx = s->vq[q].used_idx;
		d->vq[q].ready = s->vq[q].ready != 0;
	}
	irq_set(&d->irq, d->isr != 0); /* level: up until acknowledged */
	return 0;
}

static int snap_get_mem(struct vtx_vm *vm, const uint8_t *p, uint64_t len)
{
	uint64_t gpa, size;
	if (len < 16)
		return -1;
	memcpy(&gpa, p, 8);
	memcpy(&size, p + 8, 8);
	uint8_t *hva = vtx_gpa_to_hva(vm, gpa, size);
	uint64_t pages = size / SNAP_PAGE, bm_len = (pages + 7) / 8;
	if (!hva || len - 16 < bm_len)
		return -1;
	const uint8_t *bm = p + 16, *r = p + 16 + bm_len, *end = p + len;
	for (uint64_t pg = 0; pg < pages; pg++)
		if (bm[pg / 8] & (1u << (pg % 8))) {
			if ((uint64_t)(end - r) < SNAP_PAGE)
				return -1;
			memcpy(hva + pg * SNAP_PAGE, r, SNAP_PAGE);
			r += SNAP_PAGE;
		}
	return 0;
}

int vtx_snapshot_restore(struct vtx_vm *vm, const struct vtx_snapshot *s)
{
	for (int i = 0; i < VTX_MAX_SLOTS; i++)
		if (s->sec[SNAP_MEM][i].p &&
		    snap_get_mem(vm, s->sec[SNAP_MEM][i].p, s->sec[SNAP_MEM][i].len) < 0) {
			fprintf(stderr,
				"x86: --restore: guest RAM section %d does not fit this VM\n", i);
			return -1;
		}
	/* The interrupt controllers, the PIT and the clock before the vCPUs:
	 * the LAPIC and the MSRs (kvmclock) refer to them. */
	const struct snap_irqchip *chips = (const void *)s->sec[SNAP_IRQCHIP][0].p;
	for (int i = 0; i < 3; i++)
		if (ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &chips->chip[i]) < 0) {
			fprintf(stderr, "x86: --restore: KVM_SET_IRQCHIP %d: %s\n", i,
				strerror(errno));
			return -1;
		}
	struct kvm_clock_data clock;
	memcpy(&clock, s->sec[SNAP_CLOCK][0].p, sizeof(clock));
	clock.flags = 0; /* only the value: "the guest's clock reads this now" */
	if (ioctl(vm->vm_fd, KVM_SET_PIT2, s->sec[SNAP_PIT][0].p) < 0 ||
	    ioctl(vm->vm_fd, KVM_SET_CLOCK, &clock) < 0) {
		fprintf(stderr, "x86: --restore: KVM_SET_PIT2/KVM_SET_CLOCK: %s\n",
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < vm->ncpus; i++)
		if (snap_set_vcpu(&vm->vcpus[i], (const void *)s->sec[SNAP_VCPU][i].p) < 0)
			return -1;
	snap_get_com1(vm, (const void *)s->sec[SNAP_COM1][0].p);
	for (int i = 0; i < vm->nvirtio; i++)
		if (!s->sec[SNAP_VIRTIO][i].p ||
		    snap_get_virtio(&vm->virtio[i], (const void *)s->sec[SNAP_VIRTIO][i].p) < 0) {
			fprintf(stderr, "x86: --restore: virtio device %d does not match\n", i);
			return -1;
		}
	return 0;
}
