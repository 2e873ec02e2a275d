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
	/* Monitor work without progress counts as progress (monitor.c):
	 * part of the count that --max-insns and the time slices use. */
	sbuf_put_u64(b, vm->stall.at);
	sbuf_put_u64(b, vm->stall.run);
	sbuf_put_u64(b, vm->stall.counted);
	sbuf_put_u8(b, vm->pv.registered);
	sbuf_put_u32(b, vm->pv.shared);
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

static void state_put_devs(struct sbuf *b, const struct vm *vm)
{
	const struct platform *p = &vm->plat;
	uart_save(&p->uart, b);
	plic_save(&p->plic, b);
	sbuf_put_u8(b, p->halted);
	sbuf_put_u32(b, (uint32_t)p->exit_code);
	/* Console input read from the host but not yet in the UART's FIFO:
	 * the guest will see it, so it is state. */
	sbuf_put_u32(b, p->in_count);
	for (unsigned i = 0; i < p->in_count; i++)
		sbuf_put_u8(b, p->input[(p->in_head + i) % PLATFORM_INPUT_BUF]);
}

/* RAM: the number of pages, then for each page that is not all zero its
 * index, the length up to its last non-zero byte, and those bytes.  A
 * fresh VM's RAM is zero, so untouched pages cost nothing -- and a page
 * on the guest kernel's free list (a next pointer, then zeros) costs
 * four bytes. */
static void state_put_mem(struct sbuf *b, struct vm *vm)
{
	uint32_t npages = vm->ram_size / SPT_PAGE;
	uint8_t page[SPT_PAGE];
	sbuf_put_u32(b, npages);
	for (uint32_t i = 0; i < npages; i++) {
		if (vm_read_phys(vm, BOARD_RAM_BASE + (uint64_t)i * SPT_PAGE, page, SPT_PAGE)) {
			fprintf(stderr, "trapvisor: %s:%d: panic: vm%d page %u not in RAM\n",
				__FILE__, __LINE__, vm->id, i);
			abort();
		}
		uint32_t used = SPT_PAGE;
		while (used && !page[used - 1])
			used--;
		if (!used)
			continue;
		sbuf_put_u32(b, i);
		sbuf_put_u32(b, used);
		sbuf_put(b, page, used);
	}
}

int state_check_savable(const struct monitor *mon)
{
	const char *why = NULL;
	if (mon->nvm != 1)
		why = "a run of several VMs";
	for (int i = 0; i < mon->nvm && !why; i++) {
		const struct platform *p = &mon->vm[i]->plat;
		if (p->ndisks)
			why = "a VM with disks";
		else if (p->vnet_slot >= 0)
			why = "a VM with a network card";
		else if (p->has_dma)
			why = "a VM with the DMA engine";
	}
	if (!why)
		return 0;
	fprintf(stderr, "trapvisor: snapshots cannot hold %s yet\n", why);
	return -1;
}

int state_save_mem(struct monitor *mon, const struct state_run *run, struct sbuf *out)
{
	unsigned n = 0;
	size_t head = out->len;
	sbuf_put(out, state_magic, sizeof(state_magic));
	sbuf_put_u32(out, STATE_VERSION);
	sbuf_put_u32(out, 0); /* sections, filled in below */

	size_t at = state_begin(out, TAG_RUN, STATE_NO_VM);
	sbuf_put_u32(out, (uint32_t)run->kind);
	sbuf_put_u32(out, (uint32_t)run->paging);
	sbuf_put_u8(out, run->legacy);
	sbuf_put_u64(out, run->max_insns);
	sbuf_put_u32(out, (uint32_t)mon->nvm);
	for (int i = 0; i < mon->nvm; i++)
		sbuf_put_u32(out, mon->vm[i]->ram_size);
	state_end(out, at, &n);

	for (int i = 0; i < mon->nvm; i++) {
		struct vm *vm = mon->vm[i];
		at = state_begin(out, TAG_VCPU, (uint32_t)i);
		state_put_vcpu(out, vm);
		state_end(out, at, &n);
		if (vm->vt) {
			at = state_begin(out, TAG_VT, (uint32_t)i);
			state_put_vt(out, vm);
			state_end(out, at, &n);
		}
		at = state_begin(out, TAG_DEVS, (uint32_t)i);
		state_put_devs(out, vm);
		state_end(out, at, &n);
		at = state_begin(out, TAG_MEM, (uint32_t)i);
		state_put_mem(out, vm);
		state_end(out, at, &n);
	}
	if (out->bad)
		return -1;
	for (int i = 0; i < 4; i++)
		out->data[head + 12 + i] = (uint8_t)(n >> (8 * i));
	return 0;
}

int state_save(struct monitor *mon, const struct state_run *run, const char *path)
{
	struct sbuf b = { 0 };
	if (state_save_mem(mon, run, &b)) {
		sbuf_free(&b);
		fprintf(stderr, "trapvisor: snapshot: out of memory\n");
		return -1;
	}
	/* Written beside, then renamed: a crash mid-write never leaves a
	 * truncated snapshot under the name. */
	size_t plen = strlen(path) + 5;
	char *tmp = malloc(plen);
	FILE *f = tmp ? (snprintf(tmp, plen, "%s.tmp", path), fopen(tmp, "wb")) : NULL;
	int rc = -1;
	if (!f) {
		fprintf(stderr, "trapvisor: snapshot %s: %s\n", path, strerror(errno));
	} else if (fwrite(b.data, 1, b.len, f) != b.len || fclose(f)) {
		fprintf(stderr, "trapvisor: snapshot %s: write failed\n", path);
		remove(tmp);
	} else if (rename(tmp, path)) {
		fprintf(stderr, "trapvisor: snapshot %s: %s\n", path, strerror(errno));
		remove(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
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
			return state_fail(err, errlen, "section %u (%.4s): checksum mismatch", i,
					  (const char *)&sec[i].tag);
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
	if (b->bad || kind > MON_KIND_VT || paging > MON_PAGING_SHADOW || n < 1 || n > MON_MAX_VMS)
		return state_fail(err, errlen, "run section: bad mode or VM count");
	run->kind = (enum mon_kind)kind;
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
	vm->stall.at = sbuf_get_u64(b);
	vm->stall.run = sbuf_get_u64(b);
	vm->stall.counted = sbuf_get_u64(b);
	vm->pv.registered = sbuf_get_u8(b) != 0;
	vm->pv.shared = sbuf_get_u32(b);
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

static int state_get_devs(struct sbuf *b, struct vm *vm)
{
	struct platform *p = &vm->plat;
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
	return b->bad || b->pos != b->len ? -1 : 0;
}

static int state_get_mem(struct sbuf *b, struct vm *vm)
{
	uint32_t npages = sbuf_get_u32(b);
	if (b->bad || npages != vm->ram_size / SPT_PAGE)
		return -1;
	int64_t last = -1;
	while (!b->bad && b->pos < b->len) {
		uint32_t i = sbuf_get_u32(b);
		/* In increasing order, each page once, inside RAM. */
		uint32_t used = sbuf_get_u32(b);
		if (b->bad || (int64_t)i <= last || i >= npages || !used || used > SPT_PAGE ||
		    b->len - b->pos < used)
			return -1;
		last = i;
		uint8_t *p = spt_p2r_ptr(&vm->p2r, &vm->mon->frames,
					 BOARD_RAM_BASE + (uint64_t)i * SPT_PAGE, SPT_PAGE);
		if (!p)
			return -1;
		sbuf_get(b, p, used); /* the rest of the frame is zero already */
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

struct monitor *state_load_mem(const void *buf, size_t len, int input_fd, struct state_run *run,
			       char *err, size_t errlen)
{
	struct state_section sec[STATE_MAX_SECTIONS];
	unsigned nsec = 0;
	int nvm = 0;
	uint32_t ram[MON_MAX_VMS];
	if (state_split(buf, len, sec, &nsec, err, errlen))
		return NULL;
	if (sec[0].tag != TAG_RUN || sec[0].vm != STATE_NO_VM)
		return state_fail(err, errlen, "the first section is not the run's"), NULL;
	if (state_get_run(&sec[0].body, run, &nvm, ram, err, errlen))
		return NULL;
	/* The sections each VM must have, in order. */
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
			state_free(mon);
			return state_fail(err, errlen, "cannot create vm%d", i), NULL;
		}
		mon->nvm = i + 1;
	}
	for (unsigned i = 1; i < nsec; i++) {
		struct vm *vm = mon->vm[sec[i].vm];
		struct sbuf *b = &sec[i].body;
		int bad = sec[i].tag == TAG_VCPU   ? state_get_vcpu(b, vm)
			  : sec[i].tag == TAG_VT   ? state_get_vt(b, vm)
			  : sec[i].tag == TAG_DEVS ? state_get_devs(b, vm)
						   : state_get_mem(b, vm);
		if (bad) {
			state_free(mon);
			return state_fail(err, errlen, "vm%u's %s section: bad contents", sec[i].vm,
					  state_tag_name(sec[i].tag)),
			       NULL;
		}
	}
	return mon;
}

struct monitor *state_load(const char *path, int input_fd, struct state_run *run)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "trapvisor resume: %s: %s\n", path, strerror(errno));
		return NULL;
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
		return NULL;
	}
	char err[160];
	struct monitor *mon = state_load_mem(b.data, b.len, input_fd, run, err, sizeof(err));
	sbuf_free(&b);
	if (!mon)
		fprintf(stderr, "trapvisor resume: %s: %s\n", path, err);
	return mon;
}

void state_free(struct monitor *mon)
{
	monitor_destroy(mon);
	free(mon);
}
