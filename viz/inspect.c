/*
 * inspect.c -- the mode-independent half of the inspection layer
 * (inspect.h): memory by each kind of address, and the walks.
 *
 * Every walk here goes through sv32_walk, the very function the hart's
 * MMU and the monitor use, so the debugger shows what the hardware would
 * do.  One difference, on purpose: sv32_walk sets the A and D bits of the
 * leaf as the hardware does, and an inspector must not change the guest.
 * So the memory callback hands sv32_walk a *copy* of each PTE; its A/D
 * store lands in the copy.
 */
#include "viz/inspect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct viz_ops *viz_mode(const char *name)
{
	/* The monitor's modes differ in how it handles a guest, not in what
	 * there is to inspect: one row of ops serves them all. */
	static const struct {
		const char *name;
		const struct viz_ops *ops;
	} modes[] = {
		{ "trap", &viz_trap_ops }, { "bt", &viz_trap_ops },   { "pv", &viz_trap_ops },
		{ "vt", &viz_trap_ops },   { "bare", &viz_bare_ops },
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(modes[i].name, name))
			return modes[i].ops;
	return NULL;
}

int viz_open(struct viz_target *t, const struct viz_config *cfg)
{
	const struct viz_ops *ops = viz_mode(cfg->mode ? cfg->mode : "trap");
	if (!ops) {
		fprintf(
		    stderr,
		    "trapvisor: unknown mode '%s' (the debugger knows trap, bt, pv, vt and bare)\n",
		    cfg->mode);
		return -1;
	}
	t->ops = ops;
	t->end = VIZ_RUNNING;
	return ops->open(t, cfg);
}

void viz_close(struct viz_target *t)
{
	if (t->ops)
		t->ops->close(t);
	t->ops = NULL;
}

int viz_read_machine(const struct viz_target *t, uint64_t ma, void *buf, uint32_t len)
{
	const struct cpu *hw = t->ops->hart(t);
	/* Overflow-safe: ma - base < size and len <= size - (ma - base). */
	if (ma < hw->ram_base || ma - hw->ram_base > hw->ram_size ||
	    len > hw->ram_size - (ma - hw->ram_base))
		return -1;
	memcpy(buf, hw->ram + (ma - hw->ram_base), len);
	return 0;
}

int viz_read_phys(const struct viz_target *t, uint64_t gpa, void *buf, uint32_t len)
{
	uint8_t *out = buf;
	/* Page by page: P -> R scatters guest pages over machine frames. */
	while (len) {
		uint32_t n = 4096 - (uint32_t)(gpa & 0xfff);
		uint64_t ma;
		if (n > len)
			n = len;
		if (t->ops->p2r(t, gpa, &ma) || viz_read_machine(t, ma, out, n))
			return -1;
		out += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int viz_read_virt(const struct viz_target *t, uint32_t va, void *buf, uint32_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint32_t n = 4096 - (va & 0xfff);
		struct sv32_walk w;
		if (n > len)
			n = len;
		if (viz_walk_guest(t, va, &w) || viz_read_phys(t, w.pa, out, n))
			return -1;
		out += n;
		va += n;
		len -= n;
		if (len && va == 0)
			return -1; /* wrapped around 4 GiB */
	}
	return 0;
}

/* The memory callback of the walks: a copy of the PTE (see the top). */
struct viz_pte_copy {
	const struct viz_target *t;
	bool machine; /* tables in machine memory (the shadow), not guest */
	uint8_t word[4];
};

static uint8_t *viz_pte_mem(void *ctx, uint64_t pa)
{
	struct viz_pte_copy *c = ctx;
	int r = c->machine ? viz_read_machine(c->t, pa, c->word, 4)
			   : viz_read_phys(c->t, pa, c->word, 4);
	return r ? NULL : c->word;
}

/* Walk for *looking*: as S-mode with SUM and MXR, so every valid leaf
 * translates (U pages, execute-only pages); the flags tell the rest. */
static int viz_walk(const struct viz_target *t, bool machine, uint32_t satp, uint32_t va,
		    struct sv32_walk *w)
{
	struct viz_pte_copy c = { t, machine, { 0 } };
	memset(w, 0, sizeof(*w));
	if (!(satp & SATP_MODE_SV32)) {
		w->pa = va; /* paging off: the address is physical */
		return 0;
	}
	return sv32_walk(viz_pte_mem, &c, satp, va, ACCESS_READ, PRIV_S, SSTATUS_SUM | SSTATUS_MXR,
			 w);
}

int viz_walk_guest_satp(const struct viz_target *t, uint32_t satp, uint32_t va, struct sv32_walk *w)
{
	return viz_walk(t, false, satp, va, w);
}

int viz_walk_guest(const struct viz_target *t, uint32_t va, struct sv32_walk *w)
{
	return viz_walk(t, false, t->ops->guest_csr(t)->satp, va, w);
}

int viz_walk_hw_satp(const struct viz_target *t, uint32_t satp, uint32_t va, struct sv32_walk *w)
{
	return viz_walk(t, true, satp, va, w);
}

int viz_walk_hw(const struct viz_target *t, uint32_t va, struct sv32_walk *w)
{
	return viz_walk(t, true, t->ops->hw_satp(t), va, w);
}

const char *viz_pte_flags(uint32_t pte, char buf[9])
{
	static const char names[] = "VRWXUGAD";
	for (int i = 0; i < 8; i++)
		buf[i] = (pte >> i) & 1 ? names[i] : '-';
	buf[8] = 0;
	return buf;
}

/* --- whole address spaces --- */

/* Runs compare V R W X U G only: A and D differ from page to page as the
 * guest touches them, and would cut every run into single pages. */
#define VIZ_RUN_FLAGS (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_G)

struct viz_runs {
	struct viz_run cur;
	bool have;
	int count;
	void (*fn)(void *ctx, const struct viz_run *r);
	void *ctx;
};

/* Add one mapping; extend the current run when it continues it. */
static void viz_runs_add(struct viz_runs *s, uint32_t va, uint32_t len, uint64_t pa, uint32_t flags)
{
	struct viz_run *c = &s->cur;
	if (s->have && c->va + c->len == va && c->pa + c->len == pa && c->flags == flags &&
	    c->va + c->len != 0) {
		c->len += len;
		return;
	}
	if (s->have) {
		s->fn(s->ctx, c);
		s->count++;
	}
	*c = (struct viz_run){ va, len, flags, pa };
	s->have = true;
}

/* Every valid mapping of the two-level table at `satp`, in address order
 * -- its tables in guest memory, or in machine memory (`machine`: a
 * shadow or a second stage): entry(ctx, i, pte, table) for each valid
 * root entry (table: the level-0 table it points to, 0 for a 4 MiB leaf),
 * then leaf(ctx, va, len, pa, flags) for each mapping under it (flags: V
 * R W X U G).  A level-0 table outside RAM ends that entry.  0; 1 if a
 * root entry could not be read (what came before was given); -1 if a
 * callback failed. */
struct viz_table_visit {
	int (*entry)(void *ctx, unsigned i, uint32_t pte, uint64_t table);
	int (*leaf)(void *ctx, uint32_t va, uint32_t len, uint64_t pa, uint32_t flags);
	void *ctx;
};

static int viz_table_word(const struct viz_target *t, bool machine, uint64_t pa, uint32_t *w)
{
	return machine ? viz_read_machine(t, pa, w, 4) : viz_read_phys(t, pa, w, 4);
}

static int viz_table_walk(const struct viz_target *t, uint32_t satp, bool machine,
			  const struct viz_table_visit *v)
{
	const uint32_t leafbits = PTE_R | PTE_W | PTE_X;
	uint64_t root = (uint64_t)(satp & SATP_PPN_MASK) << 12;
	if (!(satp & SATP_MODE_SV32))
		return 0;
	for (unsigned i = 0; i < 1024; i++) {
		uint32_t pte;
		if (viz_table_word(t, machine, root + i * 4, &pte))
			return 1;
		if (!(pte & PTE_V))
			continue;
		uint64_t ppn = pte >> PTE_PPN_SHIFT;
		if (pte & leafbits) { /* a 4 MiB megapage */
			if ((v->entry && v->entry(v->ctx, i, pte, 0)) ||
			    v->leaf(v->ctx, i << 22, 1u << 22, (ppn >> 10) << 22,
				    pte & VIZ_RUN_FLAGS))
				return -1;
			continue;
		}
		if (v->entry && v->entry(v->ctx, i, pte, ppn << 12))
			return -1;
		for (unsigned j = 0; j < 1024; j++) {
			uint32_t leaf;
			if (viz_table_word(t, machine, (ppn << 12) + j * 4, &leaf))
				break; /* a table outside RAM: nothing more here */
			if ((leaf & PTE_V) && (leaf & leafbits) &&
			    v->leaf(v->ctx, (i << 22) | (j << 12), 4096,
				    (uint64_t)(leaf >> PTE_PPN_SHIFT) << 12, leaf & VIZ_RUN_FLAGS))
				return -1;
		}
	}
	return 0;
}

static int viz_runs_leaf(void *ctx, uint32_t va, uint32_t len, uint64_t pa, uint32_t flags)
{
	viz_runs_add(ctx, va, len, pa, flags);
	return 0;
}

int viz_map_runs(const struct viz_target *t, uint32_t satp,
		 void (*fn)(void *ctx, const struct viz_run *r), void *ctx)
{
	struct viz_runs s = { .fn = fn, .ctx = ctx };
	const struct viz_table_visit v = { NULL, viz_runs_leaf, &s };
	if (viz_table_walk(t, satp, false, &v))
		return -1;
	if (s.have) {
		fn(ctx, &s.cur);
		s.count++;
	}
	return s.count;
}

/* The 2D walk of nested paging, as tvt_translate makes it: each guest
 * PTE address, then the final guest-physical address, through the second
 * stage.  References: one per second-stage PTE read, one per guest PTE. */
static void viz_translate_2d(const struct viz_target *t, struct viz_xlate *x)
{
	struct viz_2d *n = &x->nested;
	n->root = t->ops->stage2_root ? t->ops->stage2_root(t) : 0;
	if (!n->root)
		return;
	uint32_t s2satp = SATP_MODE_SV32 | (n->root >> 12);
	for (int i = 0; i <= x->g.steps && n->n < 3; i++) {
		bool leaf = i == x->g.steps;
		if (leaf && x->gfault)
			break; /* the guest's own fault: no final address */
		uint64_t gpa = leaf ? x->g.pa : x->g.pte_pa[i];
		n->s[n->n].gpa = gpa;
		n->s[n->n].leaf = leaf;
		n->s[n->n].fault = viz_walk(t, true, s2satp, (uint32_t)gpa, &n->s[n->n].w);
		n->refs += (unsigned)n->s[n->n].w.steps + (leaf ? 0 : 1);
		if (n->s[n->n++].fault)
			break; /* the hardware exits here: stage2-fault */
	}
}

void viz_translate(const struct viz_target *t, uint32_t va, struct viz_xlate *x)
{
	memset(x, 0, sizeof(*x));
	x->va = va;
	x->monitor = t->ops->monitor;
	x->gsatp = t->ops->guest_csr(t)->satp;
	x->gfault = viz_walk_guest(t, va, &x->g);
	x->rfault = x->gfault ? -1 : t->ops->p2r(t, x->g.pa, &x->ma);
	if (x->rfault == 1) {
		x->rfault = 0;
		x->assigned = true;
	}
	viz_translate_2d(t, x);
	if (x->nested.root)
		return; /* no shadow: the hardware walks both tables */
	x->hsatp = t->ops->hw_satp(t);
	/* No shadow before the VM first runs: say so, not "paging off". */
	x->hfault = x->hsatp || !x->monitor ? viz_walk_hw(t, va, &x->h) : -1;
	x->miss = VIZ_MISS_NONE;
	if (!x->hfault || !x->monitor)
		return;
	/* Why the shadow has nothing: the guest's own answer first. */
	const struct csr_file *g = t->ops->guest_csr(t);
	uint32_t leaf = x->g.steps ? x->g.pte[x->g.steps - 1] : 0;
	bool user_page = x->g.steps && (leaf & PTE_U);
	if (x->gfault)
		x->miss = VIZ_MISS_GUEST;
	else if (x->rfault)
		x->miss = VIZ_MISS_DEVICE;
	else if (x->g.steps && g->priv == PRIV_U && !user_page)
		x->miss = VIZ_MISS_VIEW;
	else if (x->g.steps && g->priv == PRIV_S && user_page && !(g->sstatus & SSTATUS_SUM))
		x->miss = VIZ_MISS_VIEW;
	else
		x->miss = VIZ_MISS_FILL;
}

const char *viz_miss_text(enum viz_miss m)
{
	switch (m) {
	case VIZ_MISS_FILL: return "not filled yet: the first access faults, the monitor fills it";
	case VIZ_MISS_VIEW:
		return "never shadowed in this view: the guest's mode may not touch the page "
		       "(U bit, SUM), so the access faults and the monitor reflects it";
	case VIZ_MISS_GUEST:
		return "the guest maps nothing here: the fault goes back (reflected) to the guest "
		       "kernel";
	case VIZ_MISS_DEVICE: return "not RAM: a device, emulated by the monitor on every access";
	case VIZ_MISS_NONE: break;
	}
	return "";
}

/* --- a table as a tree (walk --all) --- */

struct viz_tree_ctx {
	const struct viz_target *t;
	struct viz_tree *tr;
};

/* A valid root entry: the next level-1 node. */
static int viz_tree_entry(void *ctx, unsigned i, uint32_t pte, uint64_t table)
{
	struct viz_tree *tr = ((struct viz_tree_ctx *)ctx)->tr;
	tr->l1[tr->n1++] =
	    (struct viz_tree_l1){ .idx = i, .pte = pte, .table = table, .first = tr->nrun };
	return 0;
}

/* One leaf: extend the last run of the current level-1 entry, or start a
 * new one. */
static int viz_tree_leaf(void *ctx, uint32_t va, uint32_t len, uint64_t pa, uint32_t flags)
{
	const struct viz_target *t = ((struct viz_tree_ctx *)ctx)->t;
	struct viz_tree *tr = ((struct viz_tree_ctx *)ctx)->tr;
	struct viz_tree_l1 *e = &tr->l1[tr->n1 - 1];
	struct viz_tree_run *r = e->nruns ? &tr->run[tr->nrun - 1] : NULL;
	e->mapped += len >> 12;
	if (r && r->va + r->len == va && r->flags == flags) {
		r->contiguous = r->contiguous && r->pa + r->len == pa;
		r->len += len;
		return 0;
	}
	if (tr->nrun == tr->cap) {
		unsigned cap = tr->cap ? 2 * tr->cap : 64;
		struct viz_tree_run *p = realloc(tr->run, cap * sizeof(*p));
		if (!p)
			return -1;
		tr->run = p;
		tr->cap = cap;
	}
	r = &tr->run[tr->nrun++];
	*r = (struct viz_tree_run){ va, len, flags, pa, true, 0 };
	/* A guest table under a monitor: where the first page really is. */
	if (!tr->machine && t->ops->monitor && t->ops->p2r(t, pa, &r->ma) < 0)
		r->ma = 0;
	e->nruns++;
	return 0;
}

int viz_tree_read(const struct viz_target *t, uint32_t satp, bool machine, struct viz_tree *tr)
{
	struct viz_tree_ctx c = { t, tr };
	const struct viz_table_visit v = { viz_tree_entry, viz_tree_leaf, &c };
	memset(tr, 0, sizeof(*tr));
	tr->satp = satp;
	tr->machine = machine;
	/* A root entry that cannot be read ends the tree: what came before
	 * stays. */
	return viz_table_walk(t, satp, machine, &v) < 0 ? -1 : 0;
}

void viz_tree_free(struct viz_tree *tr)
{
	free(tr->run);
	tr->run = NULL;
	tr->nrun = tr->cap = 0;
}
