/*
 * state.c -- snapshots of the monitor's VMs (state.h, docs/state.md).
 *
 * What goes in is the teaching point: the machine's state is the
 * registers the guest can see (general, pc, privileged, counters -- and
 * `time` is derived from the counters, so virtual time is saved with
 * them), what each device holds, RAM, and a few facts the monitor keeps
 * for the guest (a vCPU waiting in wfi, a paravirtual shared page, an LR
 * reservation).  What stays out is everything the monitor can rebuild:
 * shadow tables, the hart's TLB and decoded pages, bt's rewritten copies.
 */
#include "core/state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/vt.h"
#include "isa-toy/machine.h"
#include "isa-toy/board.h"

static const char state_magic[8] = "TRVSNAP";

/* Section tags: four characters, as a little-endian word. */
#define STATE_TAG(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define TAG_RUN	    STATE_TAG('R', 'U', 'N', ' ')
#define TAG_VCPU    STATE_TAG('V', 'C', 'P', 'U')
#define TAG_VT	    STATE_TAG('V', 'T', ' ', ' ')
#define TAG_DEVS    STATE_TAG('D', 'E', 'V', 'S')
#define TAG_MEM	    STATE_TAG('M', 'E', 'M', ' ')
#define TAG_CPU	    STATE_TAG('C', 'P', 'U', ' ')
#define STATE_NO_VM 0xffffffffu /* a section of the whole run */

/* --- writing --- */

static void state_put_csr(struct sbuf *b, const struct csr_file *c)
{
	sbuf_put_u32(b, (uint32_t)c->priv);
	const uint32_t w[] = { c->sstatus,  c->sie,  c->sip_ssip, c->stvec, c->scounteren,
			       c->sscratch, c->sepc, c->scause,	  c->stval, c->satp };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		sbuf_put_u32(b, w[i]);
	sbuf_put_u64(b, c->stimecmp);
	sbuf_put_u8(b, c->seip);
	sbuf_put_u64(b, c->instret);
	sbuf_put_u64(b, c->idle);
	sbuf_put_u64(b, c->traps);
	sbuf_put_u8(b, c->legacy);
}

/* Read into `c`, keeping its hooks (changed, ctx): they are the owner's. */
static void state_get_csr(struct sbuf *b, struct csr_file *c)
{
	c->priv = sbuf_get_u32(b) ? PRIV_S : PRIV_U;
	uint32_t *w[] = { &c->sstatus,	&c->sie,  &c->sip_ssip, &c->stvec, &c->scounteren,
			  &c->sscratch, &c->sepc, &c->scause,	&c->stval, &c->satp };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		*w[i] = sbuf_get_u32(b);
	c->stimecmp = sbuf_get_u64(b);
	c->seip = sbuf_get_u8(b) != 0;
	c->instret = sbuf_get_u64(b);
	c->idle = sbuf_get_u64(b);
	c->traps = sbuf_get_u64(b);
	c->legacy = sbuf_get_u8(b) != 0;
}

static void state_put_regs(struct sbuf *b, const uint32_t x[33], uint32_t pc)
{
	for (int i = 0; i < 32; i++) /* x[32] is the x0 sink: no state */
		sbuf_put_u32(b, x[i]);
	sbuf_put_u32(b, pc);
}

static void state_get_regs(struct sbuf *b, uint32_t x[33], uint32_t *pc)
{
	for (int i = 0; i < 32; i++)
		x[i] = sbuf_get_u32(b);
	x[0] = 0;
	*pc = sbuf_get_u32(b);
}

static void state_put_u64s(struct sbuf *b, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbuf_put_u64(b, v[i]);
}

static void state_get_u64s(struct sbuf *b, uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = sbuf_get_u64(b);
}

/* Open a section: its header with the length and CRC left to fill in by
 * state_end.  Returns where the section header starts. */
static size_t state_begin(struct sbuf *b, uint32_t tag, uint32_t vm)
{
	size_t at = b->len;
	sbuf_put_u32(b, tag);
	sbuf_put_u32(b, vm);
	sbuf_put_u32(b, 0); /* length */
	sbuf_put_u32(b, 0); /* crc32 */
	return at;
}

static void state_end(struct sbuf *b, size_t at, unsigned *nsections)
{
	if (b->bad)
		return;
	size_t len = b->len - at - 16;
	uint32_t crc = (uint32_t)crc32(0, b->data + at + 16, (uInt)len);
	for (int i = 0; i < 4; i++) {
		b->data[at + 8 + i] = (uint8_t)(len >> (8 * i));
		b->data[at + 12 + i] = (uint8_t)(crc >> (8 * i));
	}
	(*nsections)++;
}

/* The vCPU as the monitor keeps it, with the registers from the hart if
 * they are on it (mon->cur). */
static void state_put_vcpu(struct sbuf *b, struct vm *vm)
{
	struct monitor *mon = vm->mon;
	bool on_hart = mon->cur == vm && !vm->vt;
	state_put_csr(b, &vm->vcpu.csr);
	state_put_regs(b, on_hart ? mon->hw.x : vm->vcpu.x, on_hart ? mon->hw.pc : vm->vcpu.pc);
	/* LR/SC: the reservation the guest's lr.w made is machine state (a
	 * later sc.w depends on it), kept on the hart for the VM on it. */
	sbuf_put_u8(b, on_hart && mon->hw.resv_valid);
	sbuf_put_u32(b, mon->hw.resv_pa);
	sbuf_put_u32(b, mon->hw.resv_val);
	sbuf_put_u8(b, vm->vcpu.wfi);
	sbuf_put_u8(b, vm->halted);
	sbuf_put_u32(b, (uint32_t)vm->exit_code);
	sbuf_put_u8(b, vm->at_line_start);
	/* With several VMs: the console line being written, printed whole at
	 * its newline (vm.c). */
	sbuf_put_u32(b, vm->line_len);
	sbuf_put(b, vm->line, vm->line_len);
	/* Monitor work without progress counts as progress (monitor.c):
	 * part of the count that --max-insns and the time slices use. */
	sbuf_put_u64(b, vm->stall.at);
	sbuf_put_u64(b, vm->stall.run);
	sbuf_put_u64(b, vm->stall.counted);
	sbuf_put_u8(b, vm->pv.registered);
	sbuf_put_u32(b, vm->pv.shared);
	/* Where the time slice the run stopped in was to end: time slices
	 * decide when the monitor looks for interrupts, which a
	 * paravirtual guest can see. */
	sbuf_put_u64(b, vm->resume.slice_end);
	sbuf_put_u8(b, vm->resume.mid_run);
	/* The counters --stats prints: not the machine's, but a resumed run
	 * reports the whole run. */
	const struct vm_stats *s = &vm->stats;
	sbuf_put_u64(b, s->direct);
	sbuf_put_u64(b, s->emulated);
	sbuf_put_u64(b, s->traps);
	state_put_u64s(b, s->by_cause, 16);
	state_put_u64s(b, s->by_action, MON_ACTIONS);
	state_put_u64s(b, s->ns_by_action, MON_ACTIONS);
	sbuf_put_u64(b, s->bt_rewritten);
	sbuf_put_u64(b, s->bt_traps);
}

/* Under TVT the vCPU lives in the VMCS's guest-state area. */
static void state_put_vt(struct sbuf *b, struct vm *vm)
{
	const struct tvt_vmcs *v = &vm->vtx->vmcs;
	state_put_csr(b, &v->guest.csr);
	state_put_regs(b, v->guest.x, v->guest.pc);
	sbuf_put_u8(b, v->guest.resv_valid);
	sbuf_put_u32(b, v->guest.resv_pa);
	sbuf_put_u32(b, v->guest.resv_val);
	/* --paging=shadow: the satp the guest wrote (the VMCS's is the
	 * shadow's, a cache). */
	sbuf_put_u32(b, vm->vtx->gsatp);
	sbuf_put_u8(b, v->inject.valid);
	sbuf_put_u32(b, v->inject.cause);
	sbuf_put_u32(b, v->inject.tval);
	sbuf_put_u64(b, v->stats.entries);
	sbuf_put_u64(b, v->stats.exits);
	state_put_u64s(b, v->stats.by_reason, TVT_EXIT_COUNT);
	sbuf_put_u64(b, vm->vtx->s2_fills);
}

/* A disk's contents stay in its file: the snapshot names the file and
 * how to open it, with its size and a hash of its first MiB to notice a
 * file changed (or another one put there) before the resume. */
#define STATE_DISK_CHECK (1u << 20)

static uint64_t state_disk_check(struct disk *d)
{
	uint8_t buf[4096];
	uint64_t h = SBUF_FNV_BASIS ^ d->size;
	for (uint64_t off = 0; off < d->size && off < STATE_DISK_CHECK; off += sizeof(buf)) {
		size_t n = d->size - off < sizeof(buf) ? (size_t)(d->size - off) : sizeof(buf);
		if (d->fmt->read(d, off, buf, n))
			return 0;
		h = sbuf_fnv1a(h, buf, n);
	}
	return h;
}

static void state_put_str(struct sbuf *b, const char *str)
{
	size_t n = str ? strlen(str) : 0;
	sbuf_put_u32(b, (uint32_t)n);
	sbuf_put(b, str ? str : "", n);
}

/* The run's switch, shared by the VMs with --net: built by the loader
 * when the first of them is (state_get_net), owned by struct
 * state_loaded. */
static struct netswitch *state_sw;
static const char *const state_port_names[MON_MAX_VMS] = { "vm0", "vm1", "vm2", "vm3",
							   "vm4", "vm5", "vm6", "vm7" };

/* A virtio-net card: its address, its port, its counters, and the
 * switch's learned table (written with every card: the same each time).
 * The switch delivers a frame at once or drops it: none is ever queued. */
static void state_put_net(struct sbuf *b, const struct platform *p)
{
	sbuf_put_u8(b, p->vnet_slot >= 0);
	if (p->vnet_slot < 0)
		return;
	const struct virtio_net *n = &p->vnet;
	const struct netswitch *sw = n->sw;
	sbuf_put(b, n->mac, 6);
	sbuf_put_u32(b, (uint32_t)n->port);
	state_put_str(b, sw->port[n->port].name);
	const uint64_t v[] = { n->stats.tx_frames,
			       n->stats.rx_frames,
			       n->stats.tx_dropped,
			       n->stats.rx_dropped,
			       sw->port[n->port].frames_in,
			       sw->port[n->port].frames_out,
			       sw->flooded,
			       sw->filtered,
			       sw->runts };
	state_put_u64s(b, v, sizeof(v) / sizeof(v[0]));
	sbuf_put_u32(b, (uint32_t)sw->nmacs);
	sbuf_put_u32(b, (uint32_t)sw->next_victim);
	for (int i = 0; i < sw->nmacs; i++) {
		sbuf_put(b, sw->table[i].mac, 6);
		sbuf_put_u32(b, (uint32_t)sw->table[i].port);
	}
}

static char *state_get_str(struct sbuf *b, uint32_t max);

static int state_get_net(struct sbuf *b, struct platform *p)
{
	if (!sbuf_get_u8(b))
		return b->bad ? -1 : 0;
	uint8_t mac[6];
	sbuf_get(b, mac, 6);
	uint32_t port = sbuf_get_u32(b);
	char *name = state_get_str(b, 16);
	const char *pname = NULL;
	for (int i = 0; name && i < MON_MAX_VMS; i++)
		if (!strcmp(name, state_port_names[i]))
			pname = state_port_names[i];
	free(name);
	if (!pname || b->bad)
		return -1;
	if (!state_sw) {
		state_sw = calloc(1, sizeof(*state_sw));
		if (!state_sw)
			return -1;
		netswitch_init(state_sw);
	}
	if (platform_add_net(p, state_sw, mac, pname) || (uint32_t)p->vnet.port != port)
		return -1;
	struct virtio_net *n = &p->vnet;
	struct netswitch *sw = state_sw;
	uint64_t *v[] = { &n->stats.tx_frames,
			  &n->stats.rx_frames,
			  &n->stats.tx_dropped,
			  &n->stats.rx_dropped,
			  &sw->port[port].frames_in,
			  &sw->port[port].frames_out,
			  &sw->flooded,
			  &sw->filtered,
			  &sw->runts };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*v[i] = sbuf_get_u64(b);
	uint32_t nmacs = sbuf_get_u32(b), victim = sbuf_get_u32(b);
	if (b->bad || nmacs > NETSWITCH_MACS || victim > NETSWITCH_MACS)
		return -1;
	sw->nmacs = (int)nmacs;
	sw->next_victim = (int)victim;
	for (uint32_t i = 0; i < nmacs; i++) {
		sbuf_get(b, sw->table[i].mac, 6);
		uint32_t pt = sbuf_get_u32(b);
		if (pt >= NETSWITCH_PORTS)
			return -1;
		sw->table[i].port = (int)pt;
	}
	return b->bad ? -1 : 0;
}

/* A balloon (core/reclaim.c): the device's target and count, the
 * monitor's schedule of requests, and which guest pages are in it now
 * (their contents are gone: nothing else to save). */
static void state_put_balloon(struct sbuf *b, const struct platform *p, const struct vm *vm)
{
	sbuf_put_u8(b, p->vballoon_slot >= 0);
	if (p->vballoon_slot < 0)
		return;
	const struct virtio_balloon *d = &p->vballoon;
	sbuf_put_u32(b, d->num_pages);
	sbuf_put_u32(b, d->actual);
	const uint64_t v[] = { d->stats.inflated, d->stats.deflated,   d->stats.refused,
			       d->stats.requests, vm->balloon.dropped, vm->balloon.returned };
	state_put_u64s(b, v, sizeof(v) / sizeof(v[0]));
	sbuf_put_u32(b, (uint32_t)vm->balloon.nreq);
	sbuf_put_u32(b, (uint32_t)vm->balloon.sent);
	for (int i = 0; i < vm->balloon.nreq; i++) {
		sbuf_put_u64(b, vm->balloon.req[i].bytes);
		sbuf_put_u64(b, vm->balloon.req[i].at);
	}
	sbuf_put_u32(b, vm->balloon.pages);
	for (uint32_t g = 0; g < vm->p2r.npages; g++)
		if (vm->balloon.in[g])
			sbuf_put_u32(b, g);
}

static int state_get_balloon(struct sbuf *b, struct platform *p, struct vm *vm)
{
	if (!sbuf_get_u8(b))
		return b->bad ? -1 : 0;
	if (!vm)
		return -1; /* a bare machine has no monitor to balloon for */
	uint32_t num = sbuf_get_u32(b), actual = sbuf_get_u32(b);
	uint64_t v[6];
	for (int i = 0; i < 6; i++)
		v[i] = sbuf_get_u64(b);
	uint32_t nreq = sbuf_get_u32(b), sent = sbuf_get_u32(b);
	if (b->bad || nreq > VM_BALLOON_REQUESTS || sent > nreq)
		return -1;
	struct vm_balloon_request req[VM_BALLOON_REQUESTS];
	for (uint32_t i = 0; i < nreq; i++) {
		req[i].bytes = sbuf_get_u64(b);
		req[i].at = sbuf_get_u64(b);
	}
	if (b->bad || vm_add_balloon(vm, req, (int)nreq))
		return -1;
	/* vm_add_balloon sent the requests due at 0: take the saved word. */
	vm->balloon.sent = (int)sent;
	struct virtio_balloon *d = &p->vballoon;
	d->num_pages = num;
	d->actual = actual;
	d->stats = (struct virtio_balloon_stats){ v[0], v[1], v[2], v[3] };
	vm->balloon.dropped = v[4];
	vm->balloon.returned = v[5];
	uint32_t pages = sbuf_get_u32(b);
	if (b->bad || pages > vm->p2r.npages)
		return -1;
	for (uint32_t i = 0; i < pages; i++) {
		uint32_t g = sbuf_get_u32(b);
		if (b->bad || g >= vm->p2r.npages || vm->balloon.in[g])
			return -1;
		vm->balloon.in[g] = 1;
	}
	vm->balloon.pages = pages;
	return 0;
}

/* The disks (by path), then every virtio slot's transport and the
 * emulated controller: what the devices hold between two requests. */
static void state_put_disks(struct sbuf *b, struct platform *p, const struct vm *vm)
{
	sbuf_put_u32(b, (uint32_t)p->ndisks);
	for (int i = 0; i < p->ndisks; i++) {
		struct disk *d = &p->disks[i];
		if (d->fmt->flush)
			d->fmt->flush(d); /* what the guest wrote is in the file */
		state_put_str(b, d->path);
		state_put_str(b, d->fmt->name);
		sbuf_put_u8(b, d->ro);
		sbuf_put_u8(b, p->pio.disk == d);
		sbuf_put_u64(b, d->size);
		sbuf_put_u64(b, state_disk_check(d));
		sbuf_put_u64(b, d->read_bytes);
		sbuf_put_u64(b, d->written_bytes);
	}
	state_put_net(b, p);
	state_put_balloon(b, p, vm);
	for (int s = 0; s < BOARD_VIRTIO_SLOTS; s++) {
		const struct virtio_mmio *m = &p->virtio[s];
		sbuf_put_u32(b, m->dev_features_sel);
		sbuf_put_u32(b, m->drv_features_sel);
		sbuf_put_u32(b, m->queue_sel);
		virtio_snapshot(m->dev, b);
	}
	for (int s = 0; s < BOARD_VIRTIO_SLOTS; s++) {
		const struct virtio_blk_stats *st = &p->vblk[s].stats;
		const uint64_t v[] = { st->reads, st->writes, st->flushes, st->other, st->ioerr };
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			sbuf_put_u64(b, v[i]);
	}
	pio_disk_snapshot(&p->pio, b);
}

static void state_put_devs(struct sbuf *b, const struct platform *p, const struct vm *vm)
{
	uart_save(&p->uart, b);
	plic_save(&p->plic, b);
	sbuf_put_u8(b, p->halted);
	sbuf_put_u32(b, (uint32_t)p->exit_code);
	/* Console input read from the host but not yet in the UART's FIFO:
	 * the guest will see it, so it is state. */
	sbuf_put_u32(b, p->in_count);
	for (unsigned i = 0; i < p->in_count; i++)
		sbuf_put_u8(b, p->input[(p->in_head + i) % PLATFORM_INPUT_BUF]);
	state_put_disks(b, (struct platform *)p, vm);
}

/* RAM: the number of pages, then for each page that is not all zero its
 * index, the length up to its last non-zero byte, and those bytes.  A
 * fresh VM's RAM is zero, so untouched pages cost nothing -- and a page
 * on the guest kernel's free list (a next pointer, then zeros) costs
 * four bytes. */
static void state_put_mem(struct sbuf *b, struct platform *p, uint32_t ram_size,
			  const uint8_t *only)
{
	uint32_t npages = ram_size / SPT_PAGE;
	uint8_t page[SPT_PAGE];
	sbuf_put_u32(b, npages);
	for (uint32_t i = 0; i < npages; i++) {
		/* Live migration (core/migrate.c): only the pages in `only`,
		 * zero or not (a zero one, length 0, clears a page sent
		 * before). */
		if (only && !only[i])
			continue;
		if (p->ops->read_phys(p->owner, BOARD_RAM_BASE + (uint64_t)i * SPT_PAGE, page,
				      SPT_PAGE)) {
			fprintf(stderr, "trapvisor: %s:%d: panic: page %u not in RAM\n", __FILE__,
				__LINE__, i);
			abort();
		}
		uint32_t used = SPT_PAGE;
		while (used && !page[used - 1])
			used--;
		if (!used && !only)
			continue;
		sbuf_put_u32(b, i);
		sbuf_put_u32(b, used);
		sbuf_put(b, page, used);
	}
}

/* Why platform `p` cannot be saved yet, or NULL. */
const char *state_platform_why(const struct platform *p)
{
	return p->has_dma ? "a VM with the DMA engine" : NULL;
}

static int state_refuse(const char *why)
{
	if (!why)
		return 0;
	fprintf(stderr, "trapvisor: snapshots cannot hold %s yet\n", why);
	return -1;
}

int state_check_savable(const struct monitor *mon)
{
	const char *why = NULL;
	for (int i = 0; i < mon->nvm && !why; i++)
		why = state_platform_why(&mon->vm[i]->plat);
	return state_refuse(why);
}

int state_check_platform(const struct platform *p)
{
	return state_refuse(state_platform_why(p));
}

/* The header and the run's section, common to monitor and bare runs. */
static size_t state_put_head(struct sbuf *out, const struct state_run *run, int nvm,
			     const uint32_t *ram, unsigned *n)
{
	size_t head = out->len;
	sbuf_put(out, state_magic, sizeof(state_magic));
	sbuf_put_u32(out, STATE_VERSION);
	sbuf_put_u32(out, 0); /* sections, filled in by state_put_tail */
	size_t at = state_begin(out, TAG_RUN, STATE_NO_VM);
	sbuf_put_u32(out, run->bare ? STATE_KIND_BARE : (uint32_t)run->kind);
	sbuf_put_u32(out, (uint32_t)run->paging);
	sbuf_put_u8(out, run->legacy);
	sbuf_put_u64(out, run->max_insns);
	sbuf_put_u32(out, (uint32_t)nvm);
	for (int i = 0; i < nvm; i++)
		sbuf_put_u32(out, ram[i]);
	state_end(out, at, n);
	return head;
}

static int state_put_tail(struct sbuf *out, size_t head, unsigned n)
{
	if (out->bad)
		return -1;
	for (int i = 0; i < 4; i++)
		out->data[head + 12 + i] = (uint8_t)(n >> (8 * i));
	return 0;
}

int state_save_mem(struct monitor *mon, const struct state_run *run, struct sbuf *out)
{
	return state_save_mem_pages(mon, run, out, NULL);
}

int state_save_mem_pages(struct monitor *mon, const struct state_run *run, struct sbuf *out,
			 uint8_t *const *only)
{
	unsigned n = 0;
	uint32_t ram[MON_MAX_VMS];
	for (int i = 0; i < mon->nvm; i++)
		ram[i] = mon->vm[i]->ram_size;
	size_t head = state_put_head(out, run, mon->nvm, ram, &n);
	for (int i = 0; i < mon->nvm; i++) {
		struct vm *vm = mon->vm[i];
		size_t at = state_begin(out, TAG_VCPU, (uint32_t)i);
		state_put_vcpu(out, vm);
		state_end(out, at, &n);
		if (vm->vt) {
			at = state_begin(out, TAG_VT, (uint32_t)i);
			state_put_vt(out, vm);
			state_end(out, at, &n);
		}
		at = state_begin(out, TAG_DEVS, (uint32_t)i);
		state_put_devs(out, &vm->plat, vm);
		state_end(out, at, &n);
		at = state_begin(out, TAG_MEM, (uint32_t)i);
		state_put_mem(out, &vm->plat, vm->ram_size, only ? only[i] : NULL);
		state_end(out, at, &n);
	}
	return state_put_tail(out, head, n);
}

/* The bare hart: everything a monitor keeps for a vCPU is the real
 * hart's own state here. */
static void state_put_cpu(struct sbuf *b, const struct cpu *cpu)
{
	state_put_csr(b, &cpu->csr);
	state_put_regs(b, cpu->x, cpu->pc);
	sbuf_put_u8(b, cpu->resv_valid);
	sbuf_put_u32(b, cpu->resv_pa);
	sbuf_put_u32(b, cpu->resv_val);
	sbuf_put_u8(b, cpu->wfi);
	sbuf_put_u8(b, cpu->halted);
	sbuf_put_u32(b, (uint32_t)cpu->exit_code);
	state_put_u64s(b, cpu->exc_count, 16);
	state_put_u64s(b, cpu->irq_count, 16);
}

int state_save_machine_mem(struct machine *m, const struct state_run *run, struct sbuf *out)
{
	unsigned n = 0;
	size_t head = state_put_head(out, run, 1, &m->cfg.ram_size, &n);
	size_t at = state_begin(out, TAG_CPU, 0);
	state_put_cpu(out, &m->cpu);
	state_end(out, at, &n);
	at = state_begin(out, TAG_DEVS, 0);
	state_put_devs(out, &m->plat, NULL);
	state_end(out, at, &n);
	at = state_begin(out, TAG_MEM, 0);
	state_put_mem(out, &m->plat, m->cfg.ram_size, NULL);
	state_end(out, at, &n);
	return state_put_tail(out, head, n);
}

int state_write_file(const struct sbuf *b, const char *path)
{
	/* Written beside, then renamed: a crash mid-write never leaves a
	 * truncated snapshot under the name. */
	size_t plen = strlen(path) + 5;
	char *tmp = malloc(plen);
	FILE *f = tmp ? (snprintf(tmp, plen, "%s.tmp", path), fopen(tmp, "wb")) : NULL;
	int rc = -1;
	if (b->bad) {
		fprintf(stderr, "trapvisor: snapshot %s: out of memory\n", path);
		if (f)
			fclose(f);
		if (tmp)
			remove(tmp);
	} else if (!f) {
		fprintf(stderr, "trapvisor: snapshot %s: %s\n", path, strerror(errno));
	} else if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f)) {
		fprintf(stderr, "trapvisor: snapshot %s: write failed\n", path);
		remove(tmp);
	} else if (rename(tmp, path)) {
		fprintf(stderr, "trapvisor: snapshot %s: %s\n", path, strerror(errno));
		remove(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
	return rc;
}

int state_save(struct monitor *mon, const struct state_run *run, const char *path)
{
	struct sbuf b = { 0 };
	state_save_mem(mon, run, &b);
	int rc = state_write_file(&b, path);
	sbuf_free(&b);
	return rc;
}

int state_save_machine(struct machine *m, const struct state_run *run, const char *path)
{
	struct sbuf b = { 0 };
	state_save_machine_mem(m, run, &b);
	int rc = state_write_file(&b, path);
	sbuf_free(&b);
	return rc;
}

/* --- reading --- */

struct state_section {
	uint32_t tag, vm;
	struct sbuf body;
};

#define STATE_MAX_SECTIONS (1 + 4 * MON_MAX_VMS)

static int state_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The header and every section's frame and CRC, before anything is
 * built.  0 with sec[] and *nsec, or -1 with err. */
static int state_split(const void *buf, size_t len, struct state_section *sec, unsigned *nsec,
		       char *err, size_t errlen)
{
	struct sbuf b = sbuf_reader(buf, len);
	char magic[8];
	sbuf_get(&b, magic, sizeof(magic));
	if (b.bad || memcmp(magic, state_magic, sizeof(magic)))
		return state_fail(err, errlen, "not a trapvisor snapshot");
	uint32_t version = sbuf_get_u32(&b);
	uint32_t n = sbuf_get_u32(&b);
	if (b.bad)
		return state_fail(err, errlen, "truncated header");
	if (version != STATE_VERSION)
		return state_fail(err, errlen, "snapshot version %u, this trapvisor reads %u",
				  version, STATE_VERSION);
	if (n < 2 || n > STATE_MAX_SECTIONS)
		return state_fail(err, errlen, "%u sections: impossible", n);
	for (uint32_t i = 0; i < n; i++) {
		sec[i].tag = sbuf_get_u32(&b);
		sec[i].vm = sbuf_get_u32(&b);
		uint32_t slen = sbuf_get_u32(&b);
		uint32_t crc = sbuf_get_u32(&b);
		if (b.bad || b.len - b.pos < slen)
			return state_fail(err, errlen, "section %u truncated", i);
		const uint8_t *body = b.data + b.pos;
		if ((uint32_t)crc32(0, body, slen) != crc)
			return state_fail(err, errlen, "section %u (tag %#x): checksum mismatch", i,
					  sec[i].tag);
		sec[i].body = sbuf_reader(body, slen);
		b.pos += slen;
	}
	if (b.pos != b.len)
		return state_fail(err, errlen, "%zu bytes after the last section", b.len - b.pos);
	*nsec = n;
	return 0;
}

static int state_get_run(struct sbuf *b, struct state_run *run, int *nvm, uint32_t *ram, char *err,
			 size_t errlen)
{
	uint32_t kind = sbuf_get_u32(b), paging = sbuf_get_u32(b);
	run->legacy = sbuf_get_u8(b) != 0;
	run->max_insns = sbuf_get_u64(b);
	uint32_t n = sbuf_get_u32(b);
	if (b->bad || kind > STATE_KIND_BARE || paging > MON_PAGING_SHADOW || n < 1 ||
	    n > MON_MAX_VMS || (kind == STATE_KIND_BARE && n != 1))
		return state_fail(err, errlen, "run section: bad mode or VM count");
	run->bare = kind == STATE_KIND_BARE;
	run->kind = run->bare ? MON_KIND_TRAP : (enum mon_kind)kind;
	run->paging = (enum mon_paging)paging;
	for (uint32_t i = 0; i < n; i++) {
		ram[i] = sbuf_get_u32(b);
		if (ram[i] < (1u << 20) || ram[i] > BOARD_RAM_MAX || (ram[i] & (SPT_PAGE - 1)))
			return state_fail(err, errlen, "run section: vm%u RAM size %u", i, ram[i]);
	}
	if (b->bad || b->pos != b->len)
		return state_fail(err, errlen, "run section: wrong length");
	*nvm = (int)n;
	return 0;
}

static int state_get_vcpu(struct sbuf *b, struct vm *vm)
{
	struct monitor *mon = vm->mon;
	state_get_csr(b, &vm->vcpu.csr);
	state_get_regs(b, vm->vcpu.x, &vm->vcpu.pc);
	bool resv = sbuf_get_u8(b) != 0;
	uint32_t resv_pa = sbuf_get_u32(b), resv_val = sbuf_get_u32(b);
	vm->vcpu.wfi = sbuf_get_u8(b) != 0;
	vm->halted = sbuf_get_u8(b) != 0;
	vm->exit_code = (int)sbuf_get_u32(b);
	vm->at_line_start = sbuf_get_u8(b) != 0;
	vm->line_len = sbuf_get_u32(b);
	if (vm->line_len > sizeof(vm->line))
		return -1;
	sbuf_get(b, vm->line, vm->line_len);
	vm->stall.at = sbuf_get_u64(b);
	vm->stall.run = sbuf_get_u64(b);
	vm->stall.counted = sbuf_get_u64(b);
	vm->pv.registered = sbuf_get_u8(b) != 0;
	vm->pv.shared = sbuf_get_u32(b);
	vm->resume.slice_end = sbuf_get_u64(b);
	vm->resume.mid_run = sbuf_get_u8(b) != 0;
	struct vm_stats *s = &vm->stats;
	s->direct = sbuf_get_u64(b);
	s->emulated = sbuf_get_u64(b);
	s->traps = sbuf_get_u64(b);
	state_get_u64s(b, s->by_cause, 16);
	state_get_u64s(b, s->by_action, MON_ACTIONS);
	state_get_u64s(b, s->ns_by_action, MON_ACTIONS);
	s->bt_rewritten = sbuf_get_u64(b);
	s->bt_traps = sbuf_get_u64(b);
	if (b->bad || b->pos != b->len || vm->vcpu.csr.legacy != mon->legacy)
		return -1;
	if (vm->vt)
		return 0; /* the VT section holds the registers */
	/* Put the VM on the hart as monitor_load would, but keeping the
	 * reservation (monitor_load drops it: another VM may have run). */
	memcpy(mon->hw.x, vm->vcpu.x, sizeof(mon->hw.x));
	mon->hw.pc = vm->vcpu.pc;
	mon->hw.resv_valid = resv;
	mon->hw.resv_pa = resv_pa;
	mon->hw.resv_val = resv_val;
	mon->cur = vm;
	vm_switch_shadow(vm); /* a fresh shadow for the restored satp and mode */
	return 0;
}

static int state_get_vt(struct sbuf *b, struct vm *vm)
{
	struct tvt_vmcs *v = &vm->vtx->vmcs;
	state_get_csr(b, &v->guest.csr);
	state_get_regs(b, v->guest.x, &v->guest.pc);
	v->guest.resv_valid = sbuf_get_u8(b) != 0;
	v->guest.resv_pa = sbuf_get_u32(b);
	v->guest.resv_val = sbuf_get_u32(b);
	vm->vtx->gsatp = sbuf_get_u32(b);
	v->inject.valid = sbuf_get_u8(b) != 0;
	v->inject.cause = sbuf_get_u32(b);
	v->inject.tval = sbuf_get_u32(b);
	v->stats.entries = sbuf_get_u64(b);
	v->stats.exits = sbuf_get_u64(b);
	state_get_u64s(b, v->stats.by_reason, TVT_EXIT_COUNT);
	vm->vtx->s2_fills = sbuf_get_u64(b);
	if (b->bad || b->pos != b->len || v->guest.csr.legacy != vm->mon->legacy)
		return -1;
	/* Shadow paging: the hardware's satp is the shadow's root, a cache
	 * rebuilt from the guest's own satp. */
	if (vm->mon->paging == MON_PAGING_SHADOW)
		spt_switch(&vm->spt, vm->vtx->gsatp, SPT_VIEW_NATIVE);
	return 0;
}

/* Why a section's contents were refused, when there is more to say than
 * "bad contents" (a loader fills it in; "" = nothing more). */
static char state_detail[160];

/* A string of at most `max` bytes, malloc'd; NULL if short or longer. */
static char *state_get_str(struct sbuf *b, uint32_t max)
{
	uint32_t n = sbuf_get_u32(b);
	if (b->bad || n > max || b->len - b->pos < n)
		return NULL;
	char *str = malloc(n + 1);
	if (!str)
		return NULL;
	sbuf_get(b, str, n);
	str[n] = 0;
	return str;
}

/* Reopen the disks as they were attached, check they are the same files,
 * then the virtio slots' and the controller's state.  0, or -1 after a
 * line on stderr for a disk that cannot be (the caller's line follows). */
static int state_get_disks(struct sbuf *b, struct platform *p, struct vm *vm)
{
	uint32_t n = sbuf_get_u32(b);
	if (b->bad || n > PLATFORM_MAX_DISKS)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		char *path = state_get_str(b, 4096), *fmt = state_get_str(b, 16);
		struct disk_spec spec = { .path = path, .format = fmt };
		spec.ro = sbuf_get_u8(b) != 0;
		spec.iface = sbuf_get_u8(b) ? DISK_IF_EMULATED : DISK_IF_VIRTIO;
		uint64_t size = sbuf_get_u64(b), check = sbuf_get_u64(b);
		uint64_t rd = sbuf_get_u64(b), wr = sbuf_get_u64(b);
		int bad = !path || !fmt || b->bad || platform_add_disks(p, &spec, 1);
		free(fmt);
		if (bad) {
			free(path);
			return -1;
		}
		struct disk *d = &p->disks[p->ndisks - 1];
		d->own_path = path; /* freed with the disk */
		d->read_bytes = rd;
		d->written_bytes = wr;
		if (d->size != size || state_disk_check(d) != check) {
			snprintf(state_detail, sizeof(state_detail),
				 "disk %s is not what it was at the snapshot", path);
			return -1;
		}
	}
	if (state_get_net(b, p) || state_get_balloon(b, p, vm))
		return -1;
	for (int s = 0; s < BOARD_VIRTIO_SLOTS; s++) {
		struct virtio_mmio *m = &p->virtio[s];
		m->dev_features_sel = sbuf_get_u32(b);
		m->drv_features_sel = sbuf_get_u32(b);
		m->queue_sel = sbuf_get_u32(b);
		if (virtio_restore(m->dev, b))
			return -1;
	}
	for (int s = 0; s < BOARD_VIRTIO_SLOTS; s++) {
		struct virtio_blk_stats *st = &p->vblk[s].stats;
		uint64_t *v[] = { &st->reads, &st->writes, &st->flushes, &st->other, &st->ioerr };
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			*v[i] = sbuf_get_u64(b);
	}
	return pio_disk_restore(&p->pio, b);
}

static int state_get_devs(struct sbuf *b, struct platform *p, struct vm *vm)
{
	if (uart_load(&p->uart, b) || plic_load(&p->plic, b))
		return -1;
	p->halted = sbuf_get_u8(b) != 0;
	p->exit_code = (int)sbuf_get_u32(b);
	uint32_t n = sbuf_get_u32(b);
	if (n > PLATFORM_INPUT_BUF)
		return -1;
	p->in_head = 0;
	p->in_count = n;
	sbuf_get(b, p->input, n);
	if (state_get_disks(b, p, vm))
		return -1;
	return b->bad || b->pos != b->len ? -1 : 0;
}

static int state_get_mem(struct sbuf *b, struct platform *p, uint32_t ram_size)
{
	uint32_t npages = sbuf_get_u32(b);
	if (b->bad || npages != ram_size / SPT_PAGE)
		return -1;
	int64_t last = -1;
	while (!b->bad && b->pos < b->len) {
		uint32_t i = sbuf_get_u32(b);
		uint32_t used = sbuf_get_u32(b);
		/* In increasing order, each page once, inside RAM. */
		if (b->bad || (int64_t)i <= last || i >= npages || used > SPT_PAGE ||
		    b->len - b->pos < used)
			return -1;
		last = i;
		/* The page as it is: its bytes, then zeros (over what a base
		 * image put there, state_load_mem_base). */
		uint8_t page[SPT_PAGE] = { 0 };
		memcpy(page, b->data + b->pos, used);
		if (p->ops->write_phys(p->owner, BOARD_RAM_BASE + (uint64_t)i * SPT_PAGE, page,
				       SPT_PAGE))
			return -1;
		b->pos += used;
	}
	return b->bad ? -1 : 0;
}

static const char *state_tag_name(uint32_t tag)
{
	return tag == TAG_VCPU	 ? "vcpu"
	       : tag == TAG_VT	 ? "vt"
	       : tag == TAG_DEVS ? "devices"
				 : "memory";
}

static int state_get_cpu(struct sbuf *b, struct cpu *cpu, bool legacy)
{
	state_get_csr(b, &cpu->csr);
	state_get_regs(b, cpu->x, &cpu->pc);
	cpu->resv_valid = sbuf_get_u8(b) != 0;
	cpu->resv_pa = sbuf_get_u32(b);
	cpu->resv_val = sbuf_get_u32(b);
	cpu->wfi = sbuf_get_u8(b) != 0;
	cpu->halted = sbuf_get_u8(b) != 0;
	cpu->exit_code = (int)sbuf_get_u32(b);
	state_get_u64s(b, cpu->exc_count, 16);
	state_get_u64s(b, cpu->irq_count, 16);
	return b->bad || b->pos != b->len || cpu->csr.legacy != legacy ? -1 : 0;
}

/* A bare run's snapshot: sections RUN, CPU, DEVS, MEM. */
static struct machine *state_build_machine(struct state_section *sec, unsigned nsec,
					   const struct state_run *run, uint32_t ram, int input_fd,
					   char *err, size_t errlen)
{
	static const uint32_t want[] = { TAG_RUN, TAG_CPU, TAG_DEVS, TAG_MEM };
	if (nsec != 4)
		return state_fail(err, errlen, "%u sections for a bare run", nsec), NULL;
	for (unsigned i = 1; i < 4; i++)
		if (sec[i].tag != want[i] || sec[i].vm != 0)
			return state_fail(err, errlen, "section %u: expected %s", i,
					  state_tag_name(want[i])),
			       NULL;
	struct machine *m = calloc(1, sizeof(*m));
	struct machine_config mc = { .ram_size = ram, .input_fd = input_fd, .legacy = run->legacy };
	if (!m || machine_create(m, &mc)) {
		free(m);
		return state_fail(err, errlen, "cannot set up the machine"), NULL;
	}
	const char *bad = state_get_cpu(&sec[1].body, &m->cpu, run->legacy) ? "cpu"
			  : state_get_devs(&sec[2].body, &m->plat, NULL)    ? "devices"
			  : state_get_mem(&sec[3].body, &m->plat, ram)	    ? "memory"
									    : NULL;
	if (bad) {
		machine_destroy(m);
		free(m);
		return state_fail(err, errlen, "%s section: %s", bad,
				  *state_detail ? state_detail : "bad contents"),
		       NULL;
	}
	return m;
}

/* A monitor run's snapshot: RUN, then per VM VCPU, [VT,] DEVS, MEM. */
static struct monitor *state_build_monitor(struct state_section *sec, unsigned nsec,
					   const struct state_run *run, int nvm,
					   const uint32_t *ram, int input_fd,
					   const uint8_t *const *base, char *err, size_t errlen)
{
	bool vt = run->kind == MON_KIND_VT;
	unsigned per_vm = vt ? 4 : 3;
	if (nsec != 1 + per_vm * (unsigned)nvm)
		return state_fail(err, errlen, "%u sections for %d VMs in mode %s", nsec, nvm,
				  vt ? "vt" : "trap"),
		       NULL;
	for (unsigned i = 1; i < nsec; i++) {
		unsigned k = (i - 1) % per_vm;
		uint32_t want = k == 0		  ? TAG_VCPU
				: vt && k == 1	  ? TAG_VT
				: k == per_vm - 1 ? TAG_MEM
						  : TAG_DEVS;
		if (sec[i].tag != want || sec[i].vm != (i - 1) / per_vm)
			return state_fail(err, errlen, "section %u: expected vm%u's %s", i,
					  (i - 1) / per_vm, state_tag_name(want)),
			       NULL;
	}

	/* Every frame checked: now build, on a new monitor. */
	struct monitor *mon = calloc(1, sizeof(*mon));
	uint64_t guest_bytes = 0;
	for (int i = 0; i < nvm; i++)
		guest_bytes += ram[i];
	if (!mon || monitor_init(mon, guest_bytes, nvm, run->kind, run->legacy)) {
		free(mon);
		return state_fail(err, errlen, "cannot set up the machine"), NULL;
	}
	mon->paging = run->paging;
	for (int i = 0; i < nvm; i++) {
		/* No ELF: RAM holds the loaded guest (and its device tree). */
		struct vm_config vc = { NULL, ram[i], NULL, i == 0 ? input_fd : -1, 0 };
		mon->vm[i] = vm_create(mon, i, &vc);
		if (!mon->vm[i]) {
			monitor_destroy(mon);
			free(mon);
			return state_fail(err, errlen, "cannot create vm%d", i), NULL;
		}
		mon->nvm = i + 1;
		/* Pages sent ahead (live migration): RAM as they were; the MEM
		 * section then brings what changed since. */
		for (uint32_t pg = 0; base && base[i] && pg < ram[i] / SPT_PAGE; pg++)
			if (vm_write_phys(mon->vm[i], BOARD_RAM_BASE + (uint64_t)pg * SPT_PAGE,
					  base[i] + (size_t)pg * SPT_PAGE, SPT_PAGE)) {
				state_loaded_free(&(struct state_loaded){ .mon = mon });
				return state_fail(err, errlen, "vm%d: no RAM for its pages", i),
				       NULL;
			}
	}
	for (unsigned i = 1; i < nsec; i++) {
		struct vm *vm = mon->vm[sec[i].vm];
		struct sbuf *b = &sec[i].body;
		int bad = sec[i].tag == TAG_VCPU   ? state_get_vcpu(b, vm)
			  : sec[i].tag == TAG_VT   ? state_get_vt(b, vm)
			  : sec[i].tag == TAG_DEVS ? state_get_devs(b, &vm->plat, vm)
						   : state_get_mem(b, &vm->plat, vm->ram_size);
		if (bad) {
			monitor_destroy(mon);
			free(mon);
			return state_fail(err, errlen, "vm%u's %s section: %s", sec[i].vm,
					  state_tag_name(sec[i].tag),
					  *state_detail ? state_detail : "bad contents"),
			       NULL;
		}
	}
	return mon;
}

int state_load_mem(const void *buf, size_t len, int input_fd, struct state_loaded *out, char *err,
		   size_t errlen)
{
	return state_load_mem_base(buf, len, input_fd, NULL, NULL, 0, out, err, errlen);
}

int state_load_mem_base(const void *buf, size_t len, int input_fd, const uint8_t *const *base,
			const uint32_t *base_ram, int base_nvm, struct state_loaded *out, char *err,
			size_t errlen)
{
	struct state_section sec[STATE_MAX_SECTIONS];
	unsigned nsec = 0;
	int nvm = 0;
	uint32_t ram[MON_MAX_VMS];
	*out = (struct state_loaded){ 0 };
	state_detail[0] = 0;
	state_sw = NULL;
	if (state_split(buf, len, sec, &nsec, err, errlen))
		return -1;
	if (sec[0].tag != TAG_RUN || sec[0].vm != STATE_NO_VM)
		return state_fail(err, errlen, "the first section is not the run's");
	if (state_get_run(&sec[0].body, &out->run, &nvm, ram, err, errlen))
		return -1;
	if (base) {
		/* The pages sent ahead must be of these very VMs. */
		bool same = !out->run.bare && base_nvm == nvm;
		for (int i = 0; same && i < nvm; i++)
			same = base_ram[i] == ram[i];
		if (!same)
			return state_fail(err, errlen,
					  "the VMs are not those whose pages came first");
	}
	if (out->run.bare)
		out->machine =
		    state_build_machine(sec, nsec, &out->run, ram[0], input_fd, err, errlen);
	else
		out->mon = state_build_monitor(sec, nsec, &out->run, nvm, ram, input_fd, base, err,
					       errlen);
	out->sw = state_sw; /* the VMs' cards point into it */
	state_sw = NULL;
	if (out->mon || out->machine)
		return 0;
	free(out->sw);
	out->sw = NULL;
	return -1;
}

int state_load(const char *path, int input_fd, struct state_loaded *out)
{
	*out = (struct state_loaded){ 0 };
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "trapvisor resume: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct sbuf b = { 0 };
	uint8_t chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sbuf_put(&b, chunk, n);
	bool failed = ferror(f) || b.bad;
	fclose(f);
	if (failed) {
		sbuf_free(&b);
		fprintf(stderr, "trapvisor resume: %s: cannot read it\n", path);
		return -1;
	}
	char err[160];
	int rc = state_load_mem(b.data, b.len, input_fd, out, err, sizeof(err));
	sbuf_free(&b);
	if (rc)
		fprintf(stderr, "trapvisor resume: %s: %s\n", path, err);
	return rc;
}

void state_loaded_free(struct state_loaded *l)
{
	if (l->mon) {
		monitor_destroy(l->mon);
		free(l->mon);
	}
	if (l->machine) {
		machine_destroy(l->machine);
		free(l->machine);
	}
	free(l->sw);
	*l = (struct state_loaded){ 0 };
}
