/*
 * cmds_info.c -- the commands that only look: info, x, walk, map, vm,
 * trace.  Each reads through the const inspection layer (inspect.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "devices/statebuf.h"
#include "isa-toy/platform.h"
#include "viz/cli.h"
#include "viz/cmds.h"
#include "viz/dot.h"

/* --- info --- */

static void dbg_info_regs(struct dbg *d)
{
	uint32_t x[32], pc;
	d->t.ops->guest_regs(&d->t, x, &pc);
	for (int r = 0; r < 32; r++)
		fprintf(d->out, "%-4s x%-2d 0x%08x%s", dbg_reg_name((unsigned)r), r, x[r],
			r % 4 == 3 ? "\n" : "   ");
	char sym[64];
	fprintf(d->out, "pc       0x%08x %s\n", pc, dbg_symbolize(d, pc, sym, sizeof(sym)));
}

/* One CSR row: the hart's real value and, under a monitor, the guest's. */
static void dbg_csr_row(struct dbg *d, const char *name, uint64_t hw, uint64_t guest)
{
	if (d->t.ops->monitor)
		fprintf(d->out, "%-10s 0x%08" PRIx64 "   0x%08" PRIx64 "%s\n", name, hw, guest,
			hw != guest ? "   *" : "");
	else
		fprintf(d->out, "%-10s 0x%08" PRIx64 "\n", name, hw);
}

static void dbg_info_csr(struct dbg *d)
{
	const struct csr_file *h = &d->t.ops->hart(&d->t)->csr, *g = d->t.ops->guest_csr(&d->t);
	if (d->t.ops->monitor)
		fprintf(d->out, "%-10s %-13s%s\n", "", "hart (real)",
			"vCPU (the guest's, virtual)");
	fprintf(d->out, "%-10s %-13s%s\n", "mode", h->priv == PRIV_S ? "S" : "U",
		d->t.ops->monitor ? (g->priv == PRIV_S ? "S" : "U") : "");
	dbg_csr_row(d, "sstatus", h->sstatus, g->sstatus);
	dbg_csr_row(d, "sie", h->sie, g->sie);
	dbg_csr_row(d, "sip", csr_sip(h), csr_sip(g));
	dbg_csr_row(d, "stvec", h->stvec, g->stvec);
	dbg_csr_row(d, "sscratch", h->sscratch, g->sscratch);
	dbg_csr_row(d, "sepc", h->sepc, g->sepc);
	dbg_csr_row(d, "scause", h->scause, g->scause);
	dbg_csr_row(d, "stval", h->stval, g->stval);
	dbg_csr_row(d, "satp", h->satp, g->satp);
	dbg_csr_row(d, "stimecmp", h->stimecmp, g->stimecmp);
	dbg_csr_row(d, "instret", h->instret, g->instret);
	dbg_csr_row(d, "traps", h->traps, g->traps);
}

static void dbg_info_vcpu(struct dbg *d)
{
	const struct csr_file *g = d->t.ops->guest_csr(&d->t);
	fprintf(d->out,
		"vCPU of vm%d: virtual mode %s, sstatus 0x%08x (SIE %d SPIE %d SPP %s SUM %d)\n",
		d->t.vm, g->priv == PRIV_S ? "S" : "U", g->sstatus, !!(g->sstatus & SSTATUS_SIE),
		!!(g->sstatus & SSTATUS_SPIE), g->sstatus & SSTATUS_SPP ? "S" : "U",
		!!(g->sstatus & SSTATUS_SUM));
	fprintf(d->out, "  satp 0x%08x  stvec 0x%08x  sepc 0x%08x  scause 0x%08x (%s)\n", g->satp,
		g->stvec, g->sepc, g->scause, cpu_cause_name(g->scause));
	fprintf(d->out,
		"  instret %" PRIu64 "  traps taken %" PRIu64 "  time %" PRIu64
		"  stimecmp 0x%" PRIx64 "\n",
		g->instret, g->traps, csr_time(g), g->stimecmp);
	if (!d->t.ops->monitor)
		fprintf(d->out, "  (bare board: the vCPU is the hart itself)\n");
}

static void dbg_info_tlb(struct dbg *d)
{
	const struct cpu *hw = d->t.ops->hart(&d->t);
	static const char *const kind[] = { "read", "write", "exec" };
	for (int p = 0; p < 2; p++) {
		int n[3] = { 0, 0, 0 };
		for (int i = 0; i < TLB_SIZE; i++) {
			n[0] += !(hw->tlb[p].read[i].tag & TLB_INVALID);
			n[1] += !(hw->tlb[p].write[i].tag & TLB_INVALID);
			n[2] += !(hw->tlb[p].exec[i].tag & TLB_INVALID);
		}
		fprintf(d->out, "%s-mode TLB: %d read, %d write, %d exec entries valid\n",
			p == PRIV_S ? "S" : "U", n[0], n[1], n[2]);
	}
	/* The first few entries of the current mode, by kind. */
	int p = hw->csr.priv, shown = 0;
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < TLB_SIZE && shown < 12; i++) {
			uint32_t tag = k == 0	? hw->tlb[p].read[i].tag
				       : k == 1 ? hw->tlb[p].write[i].tag
						: hw->tlb[p].exec[i].tag;
			if (tag & TLB_INVALID)
				continue;
			uint32_t ppage = k == 0	  ? hw->tlb[p].read[i].ppage
					 : k == 1 ? hw->tlb[p].write[i].ppage
						  : hw->tlb[p].exec[i].page->ppage;
			fprintf(d->out, "  %-5s V 0x%08x -> R 0x%08" PRIx64 "\n", kind[k], tag,
				hw->ram_base + (uint64_t)ppage * 4096);
			shown++;
		}
}

static void dbg_info_shadow(struct dbg *d)
{
	static const char *const view[] = { "U", "S", "S+SUM" };
	if (!d->t.ops->monitor) {
		fprintf(d->out, "no shadow tables: the bare board walks the guest's own table\n");
		return;
	}
	const struct spt *s = &d->t.mon->vm[d->t.vm]->spt;
	fprintf(d->out,
		"shadow tables of vm%d (fills %" PRIu64 ", write-protect traps %" PRIu64
		", invalidations %" PRIu64 "):\n",
		d->t.vm, s->stats.fills, s->stats.pt_writes, s->stats.invalidations);
	for (int i = 0; i < SPT_TREES; i++) {
		const struct spt_tree *tr = &s->trees[i];
		if (!tr->used)
			continue;
		int leaves = 0;
		for (int j = 0; j < 1024; j++)
			leaves += tr->leaf[j] != SPT_NONE;
		fprintf(d->out,
			"%c guest satp 0x%08x view %-5s root R 0x%08" PRIx64 ", %d leaf tables\n",
			tr == s->cur ? '*' : ' ', tr->gsatp, view[tr->view],
			(uint64_t)spt_frame_ppn(&d->t.mon->frames, tr->root) << 12, leaves);
	}
}

static void dbg_info_vms(struct dbg *d)
{
	if (!d->t.ops->monitor) {
		int code;
		bool h = d->t.ops->halted(&d->t, &code);
		fprintf(d->out, "* vm0 (bare board) pc 0x%08x %s\n", viz_pc(&d->t),
			h ? "exited" : "running");
		return;
	}
	const struct monitor *mon = d->t.mon;
	for (int i = 0; i < mon->nvm; i++) {
		const struct vm *vm = mon->vm[i];
		const struct csr_file *c = vm_csr((struct vm *)vm);
		uint32_t pc = vm->vt	       ? vm->vtx->vmcs.guest.pc
			      : mon->cur == vm ? mon->hw.pc
					       : vm->vcpu.pc;
		fprintf(d->out, "%c vm%d  %u MiB  pc 0x%08x  mode %s  instret %" PRIu64 "  %s",
			i == d->t.vm ? '*' : ' ', i, vm->ram_size >> 20, pc,
			c->priv == PRIV_S ? "S" : "U", c->instret,
			vm->halted     ? "exited"
			: vm->vcpu.wfi ? "in wfi"
				       : "runnable");
		if (vm->halted)
			fprintf(d->out, " (status %d)", vm->exit_code);
		fputc('\n', d->out);
	}
}

/* info vmcs (--mode=vt): the inspected VM's VMCS -- the controls the
 * monitor set (what exits), the last exit and why, and the exits so far
 * by reason.  The guest-state area is what `info regs` and `info csr`
 * already show. */
static void dbg_info_vmcs(struct dbg *d)
{
	const struct vm *vm = d->t.ops->monitor ? d->t.mon->vm[d->t.vm] : NULL;
	if (!vm || !vm->vt) {
		fprintf(d->out, "no VMCS: this VM does not run under TVT (--mode=vt)\n");
		return;
	}
	const struct tvt_vmcs *v = &vm->vtx->vmcs;
	fprintf(d->out, "VMCS of vm%d  vpid %u  paging %s\n", vm->id, v->ctl.vpid,
		v->ctl.stage2 ? "nested" : "shadow");
	if (v->ctl.stage2)
		fprintf(d->out, "  second stage  root 0x%08x  entries filled %" PRIu64 "\n",
			v->ctl.s2_root, vm->vtx->s2_fills);
	else
		fprintf(d->out, "  guest satp    0x%08x (the hart walks the shadow 0x%08x)\n",
			vm->vtx->gsatp, v->guest.csr.satp);
	fprintf(d->out, "  controls      exceptions 0x%08x  interrupts 0x%08x  wfi %s  sfence %s\n",
		v->ctl.exc_exit, v->ctl.intr_exit,
		v->ctl.insn & TVT_CTL_WFI_EXIT ? "exits" : "runs",
		v->ctl.insn & TVT_CTL_SFENCE_EXIT ? "exits" : "runs");
	fprintf(d->out, "  entries %" PRIu64 "  exits %" PRIu64 "\n", v->stats.entries,
		v->stats.exits);
	if (v->stats.exits) {
		const struct tvt_exit_info *e = &v->exit;
		fprintf(d->out, "  last exit     %s  qual 0x%08x  pc 0x%08x  insn 0x%08x",
			tvt_exit_name(e->reason), e->qual, e->pc, e->insn);
		if (e->reason == TVT_EXIT_npf)
			fprintf(d->out, "  gva 0x%08x  gpa 0x%08x", e->gva, e->gpa);
		fputc('\n', d->out);
	}
	for (int r = 0; r < TVT_EXIT_COUNT; r++)
		if (v->stats.by_reason[r])
			fprintf(d->out, "  %-16s %" PRIu64 "\n",
				tvt_exit_name((enum tvt_exit_reason)r), v->stats.by_reason[r]);
}

static void dbg_info_break(struct dbg *d)
{
	char sym[64];
	for (int i = 0; i < DBG_MAX_BREAKS; i++)
		if (d->brk[i].used)
			fprintf(d->out, "%-3d %s 0x%08x %s\n", d->brk[i].id,
				d->brk[i].temp ? "tbreak" : "break ", d->brk[i].addr,
				dbg_symbolize(d, d->brk[i].addr, sym, sizeof(sym)));
	static const char *const kinds[] = { "watch ", "wwatch", "rwatch", "awatch" };
	for (int i = 0; i < DBG_MAX_WATCHES; i++) {
		const struct dbg_watch *w = &d->watch[i];
		if (w->used && w->kind == DBG_WATCH_CHANGE)
			fprintf(d->out, "%-3d watch  0x%08x (P 0x%08" PRIx64 ") = 0x%08x\n", w->id,
				w->va, w->gpa, w->old);
		else if (w->used)
			fprintf(d->out, "%-3d %s 0x%08x (P 0x%08" PRIx64 "), %u byte%s\n", w->id,
				kinds[w->kind], w->va, w->gpa, w->len, w->len == 1 ? "" : "s");
	}
	for (int i = 0; i < d->ncatch; i++)
		fprintf(d->out, "    catch  %s\n", cpu_cause_name(d->catch[i]));
	if (d->catch_all)
		fprintf(d->out, "    catch  any trap\n");
}

/* --- info virtq --- */

#define DBG_VIRTQ_DESCS 8 /* descriptors shown of the last chain taken */

static void dbg_virtq_status(struct dbg *d, uint32_t st)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ VIRTIO_STATUS_ACKNOWLEDGE, "ACKNOWLEDGE" },
		{ VIRTIO_STATUS_DRIVER, "DRIVER" },
		{ VIRTIO_STATUS_FEATURES_OK, "FEATURES_OK" },
		{ VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK" },
		{ VIRTIO_STATUS_DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET" },
		{ VIRTIO_STATUS_FAILED, "FAILED" },
	};
	fprintf(d->out, "  status 0x%02x", st);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (st & bits[i].bit)
			fprintf(d->out, " %s", bits[i].name);
	fprintf(d->out, "%s\n", st ? "" : " (reset: no driver yet)");
}

/* One queue: where its rings are, how far driver and device got, and the
 * chain the device took last (the avail entry just before last_avail). */
static void dbg_virtq_queue(struct dbg *d, const struct virtio_dev *v, unsigned q)
{
	const struct virtq *vq = &v->vq[q];
	uint16_t avail_idx, used_idx, head;
	if (!vq->num) {
		fprintf(d->out, "  queue %u: not set up\n", q);
		return;
	}
	fprintf(d->out,
		"  queue %u: size %u%s, desc 0x%08" PRIx64 " avail 0x%08" PRIx64
		" used 0x%08" PRIx64 "\n",
		q, vq->num, vq->ready ? "" : " (not ready)", vq->desc, vq->avail, vq->used);
	if (virtq_peek_idx(v, q, &avail_idx, &used_idx)) {
		fprintf(d->out, "    rings not in guest RAM\n");
		return;
	}
	/* avail idx: chains the driver offered; last seen: chains the device
	 * took; used idx: chains it gave back (all counted mod 2^16). */
	fprintf(d->out, "    avail idx %u, used idx %u, device last seen %u (used copy %u)\n",
		avail_idx, used_idx, vq->last_avail, vq->used_idx);
	if (vq->last_avail == 0 || virtq_peek_avail(v, q, (uint16_t)(vq->last_avail - 1), &head))
		return;
	fprintf(d->out, "    last chain taken, head %u:\n", head);
	struct virtq_desc desc;
	uint16_t i = head;
	for (int n = 0; n < DBG_VIRTQ_DESCS && !virtq_peek_desc(v, q, i, &desc); n++) {
		fprintf(d->out,
			"      desc %-3u addr 0x%08" PRIx64 " len %-6u flags 0x%x%s%s next %u\n", i,
			desc.addr, desc.len, desc.flags,
			desc.flags & VIRTQ_DESC_F_NEXT ? " NEXT" : "",
			desc.flags & VIRTQ_DESC_F_WRITE ? " WRITE" : "", desc.next);
		if (!(desc.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = desc.next;
	}
}

/* info assign: the inspected VM's assigned device (--assign dma): where
 * its register page is mapped, its counters and its interrupt line. */
static void dbg_info_assign(struct dbg *d)
{
	const struct platform *p = d->t.ops->plat(&d->t);
	const struct dma_copy *e = &p->dma;
	if (!p->has_dma) {
		fprintf(d->out, "vm%d has no assigned device\n", d->t.vm);
		return;
	}
	const struct vm *vm = d->t.ops->monitor ? d->t.mon->vm[d->t.vm] : NULL;
	bool mapped =
	    vm && vm->spt.direct_gpa == BOARD_DMA_BASE && vm->spt.direct_frame == vm->dma_frame;
	fprintf(d->out, "vm%d: dma-copy at 0x%08x, PLIC source %d, %s\n", d->t.vm, BOARD_DMA_BASE,
		BOARD_DMA_IRQ,
		mapped ? "assigned"
		: vm   ? "emulated"
		       : "on the bare board (no monitor: nothing to map it into)");
	if (vm)
		fprintf(
		    d->out, "  register page: guest P 0x%08x -> machine R 0x%08" PRIx64 " (%s)\n",
		    BOARD_DMA_BASE, (uint64_t)spt_frame_ppn(&d->t.mon->frames, vm->dma_frame) << 12,
		    mapped ? "mapped straight in: no trap per access"
			   : "not mapped: every access traps");
	fprintf(d->out,
		"  register traps %" PRIu64 ", copies %" PRIu64 ", bytes %" PRIu64
		", refused %" PRIu64 "\n",
		e->stats.mmio_accesses, e->stats.copies, e->stats.bytes, e->stats.refused);
	fprintf(d->out,
		"  interrupt line %s (INTR %u): %" PRIu64
		" interrupts, delivered to vm%d's PLIC only\n",
		e->line ? "high" : "low", e->regs[DMA_COPY_INTR / 4], e->stats.interrupts, d->t.vm);
}

/* info virtq [DEVICE]: every virtio device of the inspected VM (DEVICE: a
 * slot number or a model name such as virtio-blk picks some). */
static int dbg_info_virtq(struct dbg *d, const char *which)
{
	const struct platform *p = d->t.ops->plat(&d->t);
	int shown = 0;
	for (int s = 0; s < BOARD_VIRTIO_SLOTS; s++) {
		const struct virtio_dev *v = p->virtio[s].dev;
		char slot[16];
		snprintf(slot, sizeof(slot), "%d", s);
		if (!v || !v->ops || (which && strcmp(which, slot) && strcmp(which, v->ops->name)))
			continue;
		shown++;
		fprintf(d->out, "virtio slot %d (0x%08x): %s\n", s,
			BOARD_VIRTIO_BASE + (uint32_t)s * BOARD_VIRTIO_SIZE, v->ops->name);
		dbg_virtq_status(d, v->status);
		fprintf(d->out, "  features offered 0x%016" PRIx64 ", accepted 0x%016" PRIx64 "\n",
			v->host_features, v->driver_features);
		if (v->error)
			fprintf(d->out, "  gave up: %s\n", v->error);
		for (unsigned q = 0; q < v->nqueues; q++)
			dbg_virtq_queue(d, v, q);
	}
	if (shown)
		return 0;
	if (which)
		fprintf(d->out, "info virtq: no virtio device '%s' in this VM\n", which);
	else
		fprintf(d->out, "no virtio devices in this VM\n");
	return which ? -1 : 0;
}

/* info history: where the guest is in its history, and a fingerprint of
 * its memory, so a student can check that going back and forth lands on
 * the same state (FNV-1a over the inspected VM's RAM, page by page). */
static void dbg_info_history(struct dbg *d)
{
	uint32_t ram = d->cfg.guest[d->t.vm].ram_size;
	uint64_t h = SBUF_FNV_BASIS;
	static uint8_t page[4096];
	for (uint32_t off = 0; off < ram; off += sizeof(page)) {
		if (viz_read_phys(&d->t, BOARD_RAM_BASE + off, page, sizeof(page)))
			memset(page, 0, sizeof(page));
		h = sbuf_fnv1a(h, page, sizeof(page));
	}
	fprintf(d->out,
		"position %" PRIu64 " (instructions retired + traps taken, all VMs)\n"
		"guest RAM of vm%d: %u KiB, FNV-1a 0x%016" PRIx64 "\n"
		"going back runs forward from %s (%zu hand-made change%s recorded)\n",
		dbg_position(d), d->t.vm, ram >> 10, h,
		d->ckpt_off ? "the entry" : "the last checkpoint before the point", d->nedits,
		d->nedits == 1 ? "" : "s");
}

/* info checkpoints: the snapshots kept for going back (viz/reverse.c). */
static void dbg_info_checkpoints(struct dbg *d)
{
	if (d->ckpt_off) {
		fprintf(d->out, "no checkpoints: going back re-runs from the entry (a snapshot "
				"cannot hold this machine, or its disks, network or trace file)\n");
		return;
	}
	size_t bytes = 0;
	for (int i = 0; i < d->nckpt; i++) {
		fprintf(d->out, "  #%-2d at position %-12" PRIu64 " %8zu bytes\n", i,
			d->ckpt[i].pos, d->ckpt[i].snap.len);
		bytes += d->ckpt[i].snap.len;
	}
	fprintf(d->out,
		"%d checkpoint%s, %zu bytes in all; one every %" PRIu64
		" positions (the entry is the first)\n",
		d->nckpt, d->nckpt == 1 ? "" : "s", bytes,
		d->ckpt_every ? d->ckpt_every : (uint64_t)DBG_CKPT_EVERY);
}

int dbg_cmd_info(struct dbg *d, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "virtq"))
		return dbg_info_virtq(d, argc > 2 ? argv[2] : NULL);
	if (argc > 1 && !strcmp(argv[1], "line"))
		return dbg_cmd_info_line(d, argc - 1, argv + 1);
	static const struct {
		const char *what;
		void (*fn)(struct dbg *d);
	} parts[] = {
		{ "regs", dbg_info_regs },
		{ "registers", dbg_info_regs },
		{ "csr", dbg_info_csr },
		{ "vcpu", dbg_info_vcpu },
		{ "tlb", dbg_info_tlb },
		{ "shadow", dbg_info_shadow },
		{ "vms", dbg_info_vms },
		{ "break", dbg_info_break },
		{ "breakpoints", dbg_info_break },
		{ "assign", dbg_info_assign },
		{ "history", dbg_info_history },
		{ "vmcs", dbg_info_vmcs },
		{ "checkpoints", dbg_info_checkpoints },
	};
	for (size_t i = 0; argc > 1 && i < sizeof(parts) / sizeof(parts[0]); i++)
		if (!strcmp(argv[1], parts[i].what)) {
			parts[i].fn(d);
			return 0;
		}
	fprintf(d->out,
		"info: which? regs, csr, vcpu, tlb, shadow, vms, vmcs, break, assign, history, "
		"checkpoints, line or virtq\n");
	return -1;
}

/* shadow [VA [N]]: N (16) page entries from VA (the pc's page) of the
 * current address space and view, the guest's PTE beside the shadow's:
 *
 *   filled           the shadow holds the guest's mapping (V -> R)
 *   not yet filled   the guest maps the page, the shadow does not yet:
 *                    the first access faults to the monitor, which fills
 *   write-protected  the guest page is one of its page-table pages: the
 *                    shadow maps it read-only, so a write traps and the
 *                    monitor sees every change to the guest's tables
 *   hidden in this view  a U page in view S, a kernel page in view U
 *   just invalidated the shadow held it at the last stop, and the monitor
 *                    dropped it since (the guest changed its table, or ran
 *                    sfence.vma): the next access fills it again
 *   not mapped       neither does
 * Under nested paging there is no shadow: the second stage is shown
 * beside the guest's table instead, P -> R, page by page. */

/* The shadow PTE that `va` had when `shadow` last listed it at an
 * earlier position in the same address space and view; 0 if unknown. */
static uint32_t dbg_shadow_was(const struct dbg *d, const struct spt_tree *tr, uint32_t va)
{
	const struct dbg_shadow_seen *w = &d->shadow_was;
	if (w->gsatp != tr->gsatp || w->view != (int)tr->view)
		return 0;
	for (int i = 0; i < w->n; i++)
		if (w->va[i] == va)
			return w->spte[i];
	return 0;
}

/* A listing at a new position: what was seen at the last one becomes
 * the `was` to compare with. */
static void dbg_shadow_begin(struct dbg *d, const struct spt_tree *tr)
{
	struct dbg_shadow_seen *n = &d->shadow_now;
	uint64_t pos = dbg_position(d);
	if (n->pos != pos)
		d->shadow_was = *n;
	if (n->pos != pos || n->gsatp != tr->gsatp || n->view != (int)tr->view)
		*n = (struct dbg_shadow_seen){ .pos = pos,
					       .gsatp = tr->gsatp,
					       .view = (int)tr->view };
}

/* Remember a row of this listing. */
static void dbg_shadow_note(struct dbg *d, uint32_t va, uint32_t spte)
{
	struct dbg_shadow_seen *n = &d->shadow_now;
	for (int i = 0; i < n->n; i++)
		if (n->va[i] == va) {
			n->spte[i] = spte;
			return;
		}
	if (n->n < 64) {
		n->va[n->n] = va;
		n->spte[n->n++] = spte;
	}
}

/* The guest's column of a `shadow` row: its leaf PTE, flags and P (or
 * "(paging off) P"), or "-" if it maps nothing; the leaf PTE in *gpte. */
static bool dbg_shadow_guest_col(struct dbg *d, uint32_t gsatp, uint32_t va, struct sv32_walk *w,
				 char col[40], uint32_t *gpte)
{
	char gf[9];
	bool gok = !viz_walk_guest_satp(&d->t, gsatp, va, w);
	*gpte = gok && w->steps ? w->pte[w->steps - 1] : 0;
	if (gok && w->steps)
		snprintf(col, 40, "%08x %s P %08" PRIx64, *gpte, viz_pte_flags(*gpte, gf),
			 w->pa & ~(uint64_t)0xfff);
	else if (gok)
		snprintf(col, 40, "(paging off) P %08" PRIx64, w->pa & ~(uint64_t)0xfff);
	else
		snprintf(col, 40, "-");
	return gok;
}

/* Nested paging: the guest's PTE beside the second stage's entry for the
 * page it maps (P -> R). */
static int dbg_shadow_stage2(struct dbg *d, uint32_t va, uint32_t n, bool brief)
{
	uint32_t root = d->t.ops->stage2_root(&d->t);
	uint32_t gsatp = d->t.ops->guest_csr(&d->t)->satp;
	fprintf(d->out, "vm%d guest satp 0x%08x, nested paging: second stage root R 0x%08x%s\n",
		d->t.vm, gsatp, root, brief ? "" : ":  V -> guest PTE (P) | second-stage PTE (R)");
	va &= ~0xfffu;
	for (uint32_t i = 0; i < n; i++, va += 4096) {
		struct sv32_walk w, s2;
		char sf[9], gcol[40], scol[40] = "-";
		uint32_t gpte;
		bool gok = dbg_shadow_guest_col(d, gsatp, va, &w, gcol, &gpte);
		bool sok = gok && !viz_walk_hw_satp(&d->t, SATP_MODE_SV32 | (root >> 12),
						    (uint32_t)(w.pa & ~(uint64_t)0xfff), &s2);
		uint32_t spte = sok && s2.steps ? s2.pte[s2.steps - 1] : 0;
		if (sok)
			snprintf(scol, sizeof(scol), "%08x %s R %08" PRIx64, spte,
				 viz_pte_flags(spte, sf), s2.pa);
		const char *state = sok	  ? "filled"
				    : gok ? "not yet filled (stage2-fault)"
					  : "not mapped";
		if (brief)
			fprintf(d->out, "V %08x P %-8.8s R %-8.8s %s\n", va,
				gok ? strrchr(gcol, ' ') + 1 : "-",
				sok ? strrchr(scol, ' ') + 1 : "-", state);
		else
			fprintf(d->out, "  %08x  %-32s | %-30s %s\n", va, gcol, scol, state);
	}
	return 0;
}

int dbg_cmd_shadow(struct dbg *d, int argc, char **argv)
{
	static const char *const view[] = { "U", "S", "S+SUM", "native" };
	uint32_t va, x[32], n = 16;
	uint64_t v;
	d->t.ops->guest_regs(&d->t, x, &va);
	bool brief = argc == 4 && !strcmp(argv[3], "brief"); /* no PTEs: narrow panes */
	if (argc > 4 || (argc == 4 && !brief) || (argc > 1 && dbg_parse_addr(d, argv[1], &va)) ||
	    (argc > 2 && (viz_parse_uint(argv[2], 1024, &v) || !v))) {
		fprintf(d->out, "shadow: usage: shadow [VA [N [brief]]] (N 1..1024)\n");
		return -1;
	}
	if (argc > 2)
		n = (uint32_t)v;
	const struct vm *vm = d->t.ops->monitor ? d->t.mon->vm[d->t.vm] : NULL;
	const struct spt_tree *tr = vm ? vm->spt.cur : NULL;
	if (vm && vm->vt && d->t.mon->paging == MON_PAGING_NESTED && d->t.ops->stage2_root(&d->t))
		return dbg_shadow_stage2(d, va, n, brief);
	if (!tr) {
		fprintf(d->out, "no shadow table here (%s)\n",
			!vm ? "the bare board walks the guest's own table"
			: vm->vt && d->t.mon->paging == MON_PAGING_NESTED
			    ? "nested paging: the hardware walks a second-stage table"
			    : "the VM has not run yet");
		return 0;
	}
	dbg_shadow_begin(d, tr);
	fprintf(d->out, "vm%d guest satp 0x%08x, view %s%s\n", d->t.vm, tr->gsatp, view[tr->view],
		brief ? "" : ":  V -> guest PTE (P) | shadow PTE (R)");
	va &= ~0xfffu;
	for (uint32_t i = 0; i < n; i++, va += 4096) {
		struct sv32_walk w;
		char sf[9], gcol[40], scol[40] = "-";
		uint32_t gpte, spte = 0;
		bool gok = dbg_shadow_guest_col(d, tr->gsatp, va, &w, gcol, &gpte);
		uint32_t leaf = tr->leaf[va >> 22];
		if (leaf != SPT_NONE)
			memcpy(&spte,
			       spt_frame_ptr(&d->t.mon->frames, leaf) + ((va >> 12) & 0x3ff) * 4,
			       4);
		if (spte & PTE_V)
			snprintf(scol, sizeof(scol), "%08x %s R %08" PRIx64, spte,
				 viz_pte_flags(spte, sf), (uint64_t)(spte >> 10) << 12);
		/* A view hides some pages: U pages from the kernel's view S,
		 * kernel pages from the user's view U. */
		bool hidden = gok && w.steps &&
			      ((tr->view == SPT_VIEW_S && (gpte & PTE_U)) ||
			       (tr->view == SPT_VIEW_U && !(gpte & PTE_U)));
		bool dropped = !(spte & PTE_V) && (dbg_shadow_was(d, tr, va) & PTE_V);
		dbg_shadow_note(d, va, spte);
		const char *state =
		    spte & PTE_V
			? gok && (gpte & PTE_W) && !(spte & PTE_W) ? "write-protected" : "filled"
		    : dropped ? "just invalidated"
		    : hidden  ? "hidden in this view"
		    : gok     ? "not yet filled"
			      : "not mapped";
		if (brief)
			fprintf(d->out, "V %08x P %-8.8s R %-8.8s %s\n", va,
				gok && w.steps ? strrchr(gcol, ' ') + 1 : "-",
				spte & PTE_V ? strrchr(scol, ' ') + 1 : "-", state);
		else
			fprintf(d->out, "  %08x  %-32s | %-30s %s\n", va, gcol, scol, state);
	}
	return 0;
}

/* --- walk --- */

static void dbg_print_step(struct dbg *d, const char *space, const struct sv32_walk *w, int i)
{
	char fl[9];
	uint32_t pte = w->pte[i];
	unsigned idx = (unsigned)((w->pte_pa[i] - w->table[i]) / 4);
	fprintf(d->out,
		"  level-%d PTE at %s 0x%08" PRIx64 " (table %s 0x%08" PRIx64
		"[0x%03x]) = 0x%08x %s",
		1 - i, space, w->pte_pa[i], space, w->table[i], idx, pte, viz_pte_flags(pte, fl));
	if (!(pte & PTE_V))
		fprintf(d->out, "  invalid\n");
	else if (pte & (PTE_R | PTE_W | PTE_X))
		fprintf(d->out, "  leaf: %s page %s 0x%08" PRIx64 "\n",
			i == 0 && w->steps == 1 ? "4 MiB" : "4 KiB", space,
			(uint64_t)(pte >> PTE_PPN_SHIFT) << 12);
	else
		fprintf(d->out, "  -> next table %s 0x%08" PRIx64 "\n", space,
			(uint64_t)(pte >> PTE_PPN_SHIFT) << 12);
}

/* Nested paging: what the hardware itself walks -- the guest's table in
 * guest-physical addresses, each one translated by the second stage. */
static void dbg_print_2d(struct dbg *d, const struct viz_xlate *x)
{
	const struct viz_2d *n = &x->nested;
	fprintf(d->out,
		"nested paging: the hardware walks the guest's table, and translates each "
		"guest-physical address in it through the monitor's second stage (root R "
		"0x%08x):\n",
		n->root);
	for (int i = 0; i < n->n; i++) {
		const struct sv32_walk *w = &n->s[i].w;
		char what[40];
		if (n->s[i].leaf)
			snprintf(what, sizeof(what), "the page P 0x%08" PRIx64, n->s[i].gpa);
		else
			snprintf(what, sizeof(what), "level-%d PTE at P 0x%08" PRIx64, 1 - i,
				 n->s[i].gpa);
		if (n->s[i].fault)
			fprintf(d->out,
				"  %-30s -> no second-stage entry after %d reads: a stage2-fault "
				"exit, the monitor fills it\n",
				what, w->steps);
		else
			fprintf(d->out, "  %-30s -> R 0x%08" PRIx64 "  (%d second-stage reads%s)\n",
				what, w->pa, w->steps, n->s[i].leaf ? "" : ", then the PTE itself");
	}
	fprintf(d->out,
		"memory references for this TLB miss: %u (native Sv32: %d; both stages two-level: "
		"(2+1) x (2+1) - 1 = 8)\n",
		n->refs, x->g.steps ? x->g.steps : 0);
}

void dbg_print_xlate(struct dbg *d, const struct viz_xlate *x)
{
	uint32_t va = x->va;
	fprintf(d->out, "V 0x%08x: VPN[1] 0x%03x, VPN[0] 0x%03x, offset 0x%03x\n", va, va >> 22,
		(va >> 12) & 0x3ff, va & 0xfff);
	if (!(x->gsatp & SATP_MODE_SV32)) {
		fprintf(d->out, "guest paging off (satp 0x%08x): P = V\n", x->gsatp);
	} else {
		fprintf(d->out, "guest page table: satp 0x%08x, root P 0x%08x\n", x->gsatp,
			(x->gsatp & SATP_PPN_MASK) << 12);
		for (int i = 0; i < x->g.steps; i++)
			dbg_print_step(d, "P", &x->g, i);
	}
	if (x->gfault) {
		fprintf(d->out, "V 0x%08x -> guest fault: %s\n", va,
			cpu_cause_name((uint32_t)x->gfault));
	} else {
		fprintf(d->out, "V 0x%08x -> P 0x%08" PRIx64 "\n", va, x->g.pa);
		if (x->rfault)
			fprintf(d->out,
				"P 0x%08" PRIx64
				" -> not RAM (a device: the monitor emulates it)\n",
				x->g.pa);
		else if (x->assigned)
			fprintf(d->out,
				"P 0x%08" PRIx64 " -> R 0x%08" PRIx64
				" (an assigned device's register page: no trap per access)\n",
				x->g.pa, x->ma);
		else if (x->monitor)
			fprintf(d->out, "P 0x%08" PRIx64 " -> R 0x%08" PRIx64 " (P->R map)\n",
				x->g.pa, x->ma);
		else
			fprintf(d->out,
				"P 0x%08" PRIx64
				" = R (bare board: no monitor, P is machine memory)\n",
				x->g.pa);
	}
	if (!x->monitor)
		return;
	if (x->nested.root) {
		dbg_print_2d(d, x);
		return;
	}
	if (!x->hsatp) {
		fprintf(d->out, "no shadow page table yet (the VM has not run)\n");
		return;
	}
	fprintf(d->out, "shadow page table: satp 0x%08x, root R 0x%08x\n", x->hsatp,
		(x->hsatp & SATP_PPN_MASK) << 12);
	for (int i = 0; i < x->h.steps; i++)
		dbg_print_step(d, "R", &x->h, i);
	if (x->hfault)
		fprintf(d->out, "V 0x%08x -> no shadow entry: %s\n", va, viz_miss_text(x->miss));
	else
		fprintf(d->out, "V 0x%08x -> R 0x%08" PRIx64 " by the shadow%s\n", va, x->h.pa,
			x->gfault || x->rfault ? "  (DIFFERS: the guest maps nothing here)"
			: x->h.pa == x->ma     ? "  (agrees with V->P->R)"
					       : "  (DIFFERS from V->P->R: stale)");
}

int dbg_cmd_walk(struct dbg *d, int argc, char **argv)
{
	uint32_t va;
	struct viz_xlate x;
	if (argc < 2 || dbg_parse_addr(d, argv[1], &va)) {
		fprintf(d->out, "walk: need a virtual address or symbol\n");
		return -1;
	}
	viz_translate(&d->t, va, &x);
	dbg_print_xlate(d, &x);
	return 0;
}

void dbg_caption(struct dbg *d, struct viz_caption *c)
{
	static char mode[64];
	const struct viz_config *cfg = &d->cfg;
	const char *elf = cfg->guest[d->t.vm].elf_path, *base = strrchr(elf, '/');
	char sym[64];
	uint32_t pc = viz_pc(&d->t);
	bool vt = cfg->mode && !strcmp(cfg->mode, "vt");
	snprintf(mode, sizeof(mode), "%s%s%s", cfg->mode ? cfg->mode : "trap",
		 !vt						 ? ""
		 : cfg->paging && !strcmp(cfg->paging, "shadow") ? " (shadow paging)"
								 : " (nested paging)",
		 cfg->legacy ? ", legacy ISA" : "");
	c->guest = base ? base + 1 : elf;
	c->mode = mode;
	c->vm = d->t.vm;
	c->position = dbg_position(d);
	snprintf(c->where, sizeof(c->where), "pc 0x%08x %s", pc,
		 dbg_symbolize(d, pc, sym, sizeof(sym)));
}

int dbg_draw_tree(struct dbg *d, const char *path, const char *fmt)
{
	struct viz_tree *g = calloc(1, sizeof(*g)), *h = calloc(1, sizeof(*h));
	int rc = -1;
	if (g && h) {
		struct viz_caption cap;
		dbg_caption(d, &cap);
		uint32_t s2 = d->t.ops->stage2_root ? d->t.ops->stage2_root(&d->t) : 0;
		uint32_t hw = s2		  ? SATP_MODE_SV32 | (s2 >> 12)
			      : d->t.ops->monitor ? d->t.ops->hw_satp(&d->t)
						  : 0;
		viz_tree_read(&d->t, d->t.ops->guest_csr(&d->t)->satp, false, g);
		if (hw)
			viz_tree_read(&d->t, hw, true, h);
		rc = viz_draw_tree(g, hw ? h : NULL, s2 ? "stage2" : "shadow", &cap, path, fmt);
		viz_tree_free(g);
		viz_tree_free(h);
	} else {
		fprintf(stderr, "trapvisor: out of memory\n");
	}
	free(g);
	free(h);
	return rc;
}

int dbg_cmd_dot(struct dbg *d, int argc, char **argv)
{
	uint32_t va;
	struct viz_xlate x;
	if (argc < 3 || dbg_parse_addr(d, argv[1], &va)) {
		fprintf(d->out, "dot: usage: dot VA FILE (.dot, .png or .svg)\n");
		return -1;
	}
	viz_translate(&d->t, va, &x);
	struct viz_caption cap;
	dbg_caption(d, &cap);
	if (viz_draw_walk(&x, &cap, argv[2], NULL)) {
		fprintf(d->out, "dot: could not write %s\n", argv[2]);
		d->write_failed = true;
		return -1;
	}
	fprintf(d->out, "wrote the walk of 0x%08x to %s\n", va, argv[2]);
	return 0;
}

/* --- map --- */

static void dbg_map_run(void *ctx, const struct viz_run *r)
{
	struct dbg *d = ctx;
	char fl[9];
	fprintf(d->out, "V 0x%08x-0x%08x -> P 0x%08" PRIx64 " %6u KiB %s\n", r->va,
		r->va + r->len - 1, r->pa, r->len >> 10, viz_pte_flags(r->flags, fl));
}

int dbg_cmd_map(struct dbg *d, int argc, char **argv)
{
	uint32_t satp = d->t.ops->guest_csr(&d->t)->satp;
	if (!(satp & SATP_MODE_SV32)) {
		fprintf(d->out, "map: the guest's paging is off (satp 0x%08x)\n", satp);
		return 0;
	}
	int n = viz_map_runs(&d->t, satp, dbg_map_run, d);
	fprintf(d->out, "%d runs of mappings (satp 0x%08x)\n", n, satp);
	if (argc < 2)
		return 0;
	if (dbg_draw_tree(d, argv[1], NULL)) {
		fprintf(d->out, "map: could not write %s\n", argv[1]);
		d->write_failed = true;
		return -1;
	}
	fprintf(d->out, "wrote the address space to %s\n", argv[1]);
	return 0;
}

/* --- x --- */

int dbg_cmd_x(struct dbg *d, int argc, char **argv)
{
	const char *fmt = strchr(argv[0], '/');
	unsigned long n = 1;
	char kind = 'x', *end;
	uint32_t addr;

	if (fmt) {
		n = strtoul(fmt + 1, &end, 10);
		if (end == fmt + 1)
			n = 1;
		if (*end)
			kind = *end++;
		if (*end || !strchr("xipm", kind) || n == 0 || n > 4096) {
			fprintf(d->out,
				"x: format is /N followed by x, i, p or m (e.g. x/8i $pc)\n");
			return -1;
		}
	}
	if (argc < 2 || dbg_parse_addr(d, argv[1], &addr)) {
		fprintf(d->out, "x: need an address%s%s\n", argc > 1 ? ", not " : "",
			argc > 1 ? argv[1] : "");
		return -1;
	}
	char sym[64], insn[64];
	for (unsigned long i = 0; i < n; i++, addr += 4) {
		uint32_t w;
		int bad = kind == 'p'	? viz_read_phys(&d->t, addr, &w, 4)
			  : kind == 'm' ? viz_read_machine(&d->t, addr, &w, 4)
					: viz_read_virt(&d->t, addr, &w, 4);
		if (bad) {
			fprintf(d->out, "0x%08x: cannot read (%s)\n", addr,
				kind == 'p'   ? "not guest RAM"
				: kind == 'm' ? "not machine RAM"
					      : "not mapped, or not RAM");
			return i ? 0 : -1;
		}
		if (kind == 'i')
			fprintf(d->out, "%s0x%08x %s: %s\n", addr == viz_pc(&d->t) ? "=> " : "   ",
				addr, dbg_symbolize(d, addr, sym, sizeof(sym)),
				dbg_disasm_at(d, addr, insn, sizeof(insn)));
		else if (i % 4 == 0)
			fprintf(d->out, "0x%08x: 0x%08x", addr, w);
		else
			fprintf(d->out, " 0x%08x", w);
		if (kind != 'i' && (i % 4 == 3 || i + 1 == n))
			fputc('\n', d->out);
	}
	return 0;
}

/* --- vm --- */

int dbg_cmd_vm(struct dbg *d, int argc, char **argv)
{
	uint64_t i = 0;
	/* Strict: "4294967296" or "-0" must not wrap round to vm0. */
	if (argc < 2 || viz_parse_uint(argv[1], INT32_MAX, &i) ||
	    d->t.ops->select_vm(&d->t, (int)i)) {
		fprintf(d->out, "vm: no such VM%s%s\n", argc > 1 ? " " : "",
			argc > 1 ? argv[1] : "");
		return -1;
	}
	fprintf(d->out, "inspecting vm%d\n", (int)i);
	dbg_print_where(d);
	return 0;
}

/* --- trace --- */

static bool dbg_trace_match(const struct dbg *d, const struct trace_event *e)
{
	return !d->trace_filter[0] || strstr(e->cause_name, d->trace_filter) ||
	       strstr(e->action, d->trace_filter);
}

void dbg_trace_line(const struct trace_event *e, char *buf, size_t len)
{
	/* The action first: in a narrow pane it is what matters most. */
	snprintf(buf, len, "#%-6" PRIu64 " vm%d %s %08" PRIx64 " %s  [%s]", e->seq, e->vm, e->vmode,
		 e->pc, e->action, e->cause_name);
}

int dbg_cmd_trace(struct dbg *d, int argc, char **argv)
{
	const struct trace *tr = d->t.ops->trace(&d->t);
	if (!tr) {
		fprintf(d->out, "trace: no monitor in this mode, so no trace (try --mode=trap)\n");
		return -1;
	}
	if (argc > 1 && !strcmp(argv[1], "filter")) {
		snprintf(d->trace_filter, sizeof(d->trace_filter), "%s", argc > 2 ? argv[2] : "");
		fprintf(d->out, "trace filter: %s\n",
			d->trace_filter[0] ? d->trace_filter : "(none)");
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "show")) {
		uint64_t seq;
		if (viz_parse_uint(argv[2], UINT64_MAX, &seq) || seq >= tr->next_seq ||
		    tr->next_seq - seq > TRACE_RING) {
			fprintf(d->out, "trace: no event #%s in the ring\n", argv[2]);
			return -1;
		}
		trace_write_json(d->out, &tr->ring[seq % TRACE_RING]);
		fputc('\n', d->out);
		return 0;
	}
	uint64_t n = 10;
	if (argc > 1 && (viz_parse_uint(argv[1], UINT64_MAX, &n) || !n)) {
		fprintf(d->out, "trace: usage: trace [N] | trace filter [TEXT] | trace show SEQ\n");
		return -1;
	}
	/* The newest n matching events, printed oldest first. */
	uint64_t idx[256];
	unsigned k = 0;
	if (n > 256)
		n = 256;
	for (uint64_t i = 0; k < n; i++) {
		const struct trace_event *e = trace_recent(tr, i);
		if (!e)
			break;
		if (dbg_trace_match(d, e))
			idx[k++] = i;
	}
	for (unsigned j = k; j-- > 0;) {
		char line[160];
		dbg_trace_line(trace_recent(tr, idx[j]), line, sizeof(line));
		fprintf(d->out, "%s\n", line);
	}
	fprintf(d->out, "(%u of %" PRIu64 " events%s%s)\n", k, tr->next_seq,
		d->trace_filter[0] ? ", filter " : "", d->trace_filter);
	return 0;
}
