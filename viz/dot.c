/*
 * dot.c -- Graphviz drawings (dot.h) built with libcgraph and rendered
 * by libgvc in this process.
 *
 * A walk drawing reads left to right, the way the hardware works:
 *
 *   [V va] -> [guest satp] -> [L1 PTE] -> [L0 PTE] -> [P] -> [R]
 *                  [shadow satp] -> [L1 PTE] -> [L0 PTE] ---^
 *
 * The bottom row is what the hart really walks under the monitor; when
 * it reaches the same machine address as the top row, the monitor's
 * shadow agrees with the guest's table and its own P->R map.
 */
#include "viz/dot.h"

#include <graphviz/gvc.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The format for `path`: fmt itself, or its extension. */
static const char *dot_format(const char *path, const char *fmt)
{
	const char *ext = strrchr(path, '.');
	if (!fmt)
		fmt = ext ? ext + 1 : "dot";
	if (!strcmp(fmt, "dot") || !strcmp(fmt, "gv") || !strcmp(fmt, "svg") || !strcmp(fmt, "png"))
		return !strcmp(fmt, "gv") ? "dot" : fmt;
	fprintf(stderr, "trapvisor: %s: draw as .dot, .svg or .png\n", path);
	return NULL;
}

static Agnode_t *dot_node(Agraph_t *g, const char *name, const char *label, const char *color)
{
	Agnode_t *n = agnode(g, (char *)name, 1);
	agsafeset(n, "label", (char *)label, "");
	if (color)
		agsafeset(n, "color", (char *)color, "");
	return n;
}

static void dot_edge(Agraph_t *g, Agnode_t *a, Agnode_t *b, const char *label)
{
	Agedge_t *e = agedge(g, a, b, NULL, 1);
	if (label)
		agsafeset(e, "label", (char *)label, "");
}

/*
 * One Graphviz context for the whole process.  libgvc keeps pointers into
 * a context's data in state that outlives it (the pango plugin caches the
 * font name it was last given), so a second context made after the first
 * was freed reads freed memory: two drawings in one debugger script did
 * exactly that.  The context is made on the first drawing and never freed
 * (the process's exit reclaims it).
 */
static GVC_t *dot_gvc;

static GVC_t *dot_context(void)
{
	if (!dot_gvc)
		dot_gvc = gvContext();
	if (!dot_gvc)
		fprintf(stderr, "trapvisor: cannot start libgvc\n");
	return dot_gvc;
}

/* Write len bytes of data to path, checking the write and the close (a
 * full disk often shows only at fclose).  0, or -1 after one line. */
static int dot_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "trapvisor: %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	int err = errno;
	if (fclose(f) && ok) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		fprintf(stderr, "trapvisor: %s: cannot write: %s\n", path, strerror(err));
		return -1;
	}
	return 0;
}

/*
 * Lay out and write g to path as fmt.  The drawing is made in memory
 * first and written by dot_write_file: libgvc's own file output calls
 * exit() when a write fails, and does not report a failed close.
 */
static int dot_render(Agraph_t *g, const char *path, const char *fmt)
{
	char *data = NULL;
	size_t len = 0;
	int r = -1;
	if (!strcmp(fmt, "dot")) {
		/* The graph itself, as text: no layout needed. */
		FILE *mem = open_memstream(&data, &len);
		if (!mem) {
			fprintf(stderr, "trapvisor: %s: out of memory\n", path);
			return -1;
		}
		r = agwrite(g, mem);
		if (fclose(mem))
			r = -1;
	} else {
		GVC_t *gvc = dot_context();
		unsigned int n = 0;
		if (!gvc)
			return -1;
		if (gvLayout(gvc, g, "dot") == 0) {
			r = gvRenderData(gvc, g, fmt, &data, &n);
			gvFreeLayout(gvc, g);
			len = n;
		}
	}
	if (r == 0)
		r = dot_write_file(path, data, len);
	else
		fprintf(stderr, "trapvisor: %s: Graphviz could not draw %s\n", path, fmt);
	if (strcmp(fmt, "dot"))
		gvFreeRenderData(data);
	else
		free(data);
	return r ? -1 : 0;
}

int viz_render_dot(const char *text, const char *path, const char *fmt)
{
	const char *f = dot_format(path, fmt);
	if (!f)
		return -1;
	Agraph_t *g = agmemread(text);
	if (!g) {
		fprintf(stderr, "trapvisor: %s: the drawing is not valid DOT\n", path);
		return -1;
	}
	int r = dot_render(g, path, f);
	agclose(g);
	return r;
}

/*
 * A drawing for the projector: left to right, a title, fonts big enough to
 * read from the back of the room, and at most a 16:9 slide's proportions
 * (13.33 x 7.5 inches, scaled down to fit, never up).
 */
static Agraph_t *dot_graph(const char *name, const struct viz_caption *c, const char *what)
{
	char title[512];
	Agraph_t *g = agopen((char *)name, Agdirected, NULL);
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGRAPH, "size", "13.33,7.5");
	agattr(g, AGRAPH, "fontname", "sans-serif");
	agattr(g, AGRAPH, "fontsize", "20");
	agattr(g, AGRAPH, "labelloc", "t");
	agattr(g, AGRAPH, "labeljust", "l");
	agattr(g, AGRAPH, "style", "");
	agattr(g, AGRAPH, "color", "black");
	agattr(g, AGRAPH, "label", "");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "fontname", "monospace");
	agattr(g, AGNODE, "fontsize", "14");
	agattr(g, AGNODE, "color", "black");
	agattr(g, AGNODE, "style", "");
	agattr(g, AGEDGE, "label", "");
	agattr(g, AGEDGE, "style", "");
	agattr(g, AGEDGE, "fontname", "sans-serif");
	agattr(g, AGEDGE, "fontsize", "12");
	if (c)
		snprintf(title, sizeof(title),
			 "%s\n%s, vm%d, mode %s, after %" PRIu64 " steps, at %s", what, c->guest,
			 c->vm, c->mode, c->position, c->where);
	else
		snprintf(title, sizeof(title), "%s", what);
	agset(g, "label", title);
	return g;
}

/* A box around what one owner keeps: the guest OS's table, the monitor's
 * shadow or second stage, the hardware's registers. */
static Agraph_t *dot_owner(Agraph_t *g, const char *name, const char *label, const char *color)
{
	Agraph_t *sub = agsubg(g, (char *)name, 1);
	agsafeset(sub, "label", (char *)label, "");
	agsafeset(sub, "style", "rounded", "");
	agsafeset(sub, "color", (char *)color, "");
	agsafeset(sub, "fontsize", "16", "");
	return sub;
}

/* The legend: one sample per colour the drawing uses (`which`: bits of
 * DOT_LEGEND_*), in a box of its own under the drawing. */
enum {
	DOT_LEGEND_PTE = 1,	/* black: an entry the walk read */
	DOT_LEGEND_SHADOW = 2,	/* blue: the monitor's shadow (the hardware walks it) */
	DOT_LEGEND_FILL = 4,	/* orange: not filled yet */
	DOT_LEGEND_VIEW = 8,	/* grey: never shadowed in this view */
	DOT_LEGEND_FAULT = 16,	/* red: a fault, or a disagreement */
	DOT_LEGEND_DEVICE = 32, /* purple: a device */
	DOT_LEGEND_STAGE2 = 64, /* dark green: the second stage */
	DOT_LEGEND_USER = 128,	/* blue text: user pages (U) */
};

static void dot_legend(Agraph_t *g, unsigned which)
{
	static const struct {
		unsigned bit;
		const char *color, *text;
	} keys[] = {
		{ DOT_LEGEND_PTE, "black", "an entry of a table, read by the walk" },
		{ DOT_LEGEND_SHADOW, "blue",
		  "the monitor's shadow table: what the hardware walks" },
		{ DOT_LEGEND_STAGE2, "darkgreen",
		  "the monitor's second-stage table (P -> R): walked for every P" },
		{ DOT_LEGEND_FILL, "orange",
		  "not filled yet: filled on demand at the first access" },
		{ DOT_LEGEND_VIEW, "grey40", "never shadowed in this view (U bit, SUM)" },
		{ DOT_LEGEND_FAULT, "red", "a fault (reflected to the guest), or a disagreement" },
		{ DOT_LEGEND_DEVICE, "purple", "not RAM: a device the monitor emulates" },
		{ DOT_LEGEND_USER, "blue", "pages the guest maps for user mode (U)" },
	};
	Agraph_t *sub = dot_owner(g, "cluster_legend", "legend", "grey60");
	Agnode_t *prev = NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!(which & keys[i].bit))
			continue;
		char name[32];
		snprintf(name, sizeof(name), "legend_%zu", i);
		Agnode_t *n = agnode(sub, name, 1);
		agsafeset(n, "label", (char *)keys[i].text, "");
		agsafeset(n, "color", (char *)keys[i].color, "");
		agsafeset(n, "fontcolor", (char *)keys[i].color, "");
		agsafeset(n, "fontname", "sans-serif", "");
		if (prev) {
			/* Stacked, not joined: an invisible edge orders them. */
			Agedge_t *e = agedge(sub, prev, n, NULL, 1);
			agsafeset(e, "style", "invis", "");
		}
		prev = n;
	}
}

/* The PTE nodes of one walk, chained from `from`; returns the last.
 * `refs` (may be NULL): the reference number of each PTE read, for the
 * nested walk's count. */
static Agnode_t *dot_walk_steps(Agraph_t *g, const char *prefix, const char *space,
				const struct sv32_walk *w, Agnode_t *from, const unsigned *refs)
{
	char name[32], label[256], fl[9], ref[32] = "";
	for (int i = 0; i < w->steps; i++) {
		uint32_t pte = w->pte[i];
		unsigned idx = (unsigned)((w->pte_pa[i] - w->table[i]) / 4);
		snprintf(name, sizeof(name), "%s_l%d", prefix, 1 - i);
		if (refs)
			snprintf(ref, sizeof(ref), "reference %u: ", refs[i]);
		snprintf(label, sizeof(label),
			 "%slevel-%d PTE\\n@ %s 0x%08" PRIx64 "\\nindex VPN[%d] = 0x%03x\\n"
			 "value 0x%08x\\nflags %s",
			 ref, 1 - i, space, w->pte_pa[i], 1 - i, idx, pte, viz_pte_flags(pte, fl));
		Agnode_t *n = dot_node(g, name, label, (pte & PTE_V) ? NULL : "red");
		dot_edge(g, from, n, i == 0 ? "root" : "next");
		from = n;
	}
	return from;
}

/* The guest's satp, in the guest's box, after `va`; `va` itself when the
 * guest's paging is off. */
static Agnode_t *dot_guest_satp(Agraph_t *g, Agraph_t *guest, const struct viz_xlate *x,
				Agnode_t *va)
{
	char label[128];
	if (!(x->gsatp & SATP_MODE_SV32))
		return va;
	snprintf(label, sizeof(label), "guest satp 0x%08x\\nroot table @ P 0x%08x", x->gsatp,
		 (x->gsatp & SATP_PPN_MASK) << 12);
	Agnode_t *s = dot_node(guest, "guest_satp", label, NULL);
	dot_edge(g, va, s, NULL);
	return s;
}

/* Nested paging: the guest's walk, in guest-physical addresses, and for
 * each address in it the second stage's own walk to R, every memory
 * reference numbered in the order the hardware makes it. */
static void dot_walk_2d(Agraph_t *g, const struct viz_xlate *x, Agnode_t *va)
{
	char label[320], name[32];
	const struct viz_2d *n = &x->nested;
	Agraph_t *guest =
	    dot_owner(g, "cluster_guest", "the guest OS's page table (in P)", "black");
	Agraph_t *s2 = dot_owner(g, "cluster_stage2",
				 "the monitor's second-stage table (P -> R): the hardware "
				 "walks it for every guest-physical address",
				 "darkgreen");
	unsigned ref = 0;
	Agnode_t *prev = dot_guest_satp(g, guest, x, va);
	for (int i = 0; i < n->n; i++) {
		const struct sv32_walk *w = &n->s[i].w;
		/* The second stage's walk of this address. */
		Agnode_t *from = NULL;
		for (int k = 0; k < w->steps; k++) {
			char fl[9];
			snprintf(name, sizeof(name), "s2_%d_l%d", i, 1 - k);
			snprintf(label, sizeof(label),
				 "reference %u: second-stage\\nlevel-%d PTE @ R 0x%08" PRIx64
				 "\\nfor P 0x%08" PRIx64 "\\nflags %s",
				 ++ref, 1 - k, w->pte_pa[k], n->s[i].gpa,
				 viz_pte_flags(w->pte[k], fl));
			Agnode_t *e = dot_node(s2, name, label, "darkgreen");
			dot_edge(g, from ? from : prev, e, from ? "next" : "translate P");
			from = e;
		}
		if (n->s[i].fault) {
			snprintf(name, sizeof(name), "s2_%d_fault", i);
			dot_edge(
			    g, from ? from : prev,
			    dot_node(g, name,
				     "no second-stage entry:\\nstage2-fault exit\\n(the monitor "
				     "fills it)",
				     "orange"),
			    NULL);
			return;
		}
		if (n->s[i].leaf) {
			snprintf(label, sizeof(label),
				 "the page: P 0x%08" PRIx64 "\\n= machine R 0x%08" PRIx64
				 "\\n%u memory references (native Sv32: %d)",
				 n->s[i].gpa, w->pa, n->refs, x->g.steps);
			dot_edge(g, from, dot_node(g, "ma", label, NULL), "R");
			return;
		}
		/* Then the guest's PTE itself, read at the R just found. */
		char fl[9];
		snprintf(name, sizeof(name), "guest_l%d", 1 - i);
		snprintf(label, sizeof(label),
			 "reference %u: guest level-%d PTE\\n@ P 0x%08" PRIx64 " = R 0x%08" PRIx64
			 "\\nvalue 0x%08x\\nflags %s",
			 ++ref, 1 - i, n->s[i].gpa, w->pa, x->g.pte[i],
			 viz_pte_flags(x->g.pte[i], fl));
		Agnode_t *p = dot_node(guest, name, label, (x->g.pte[i] & PTE_V) ? NULL : "red");
		dot_edge(g, from, p, "read");
		prev = p;
	}
	if (x->gfault) {
		snprintf(label, sizeof(label), "guest page fault\\n%s\\n(the guest's own: no exit)",
			 cpu_cause_name((uint32_t)x->gfault));
		dot_edge(g, prev, dot_node(g, "guest_fault", label, "red"), NULL);
	}
}

int viz_draw_walk(const struct viz_xlate *x, const struct viz_caption *c, const char *path,
		  const char *fmt)
{
	char label[256], title[128];
	unsigned legend = DOT_LEGEND_PTE | DOT_LEGEND_FAULT;
	fmt = dot_format(path, fmt);
	if (!fmt)
		return -1;
	snprintf(title, sizeof(title), "How V 0x%08x translates%s", x->va,
		 x->nested.root ? ": the 2D walk of nested paging"
		 : x->monitor	? ": the guest's walk, and the shadow's"
				: "");
	Agraph_t *g = dot_graph("walk", c, title);

	snprintf(label, sizeof(label), "V 0x%08x\\nVPN[1] 0x%03x  VPN[0] 0x%03x\\noffset 0x%03x",
		 x->va, x->va >> 22, (x->va >> 12) & 0x3ff, x->va & 0xfff);
	Agnode_t *va = dot_node(g, "va", label, NULL);
	if (x->nested.root) {
		dot_walk_2d(g, x, va);
		dot_legend(g, legend | DOT_LEGEND_STAGE2 | DOT_LEGEND_FILL);
		int r = dot_render(g, path, fmt);
		agclose(g);
		return r;
	}

	/* The guest's walk: V -> P. */
	Agraph_t *guest = dot_owner(g, "cluster_guest",
				    x->monitor ? "the guest OS's page table (V -> P)"
					       : "the OS's page table (V -> P = R)",
				    "black");
	Agnode_t *last = dot_guest_satp(g, guest, x, va);
	if (last != va)
		last = dot_walk_steps(guest, "guest", "P", &x->g, last, NULL);
	Agnode_t *ma = NULL;
	if (x->gfault) {
		snprintf(label, sizeof(label), "guest page fault\\n%s",
			 cpu_cause_name((uint32_t)x->gfault));
		dot_edge(g, last, dot_node(g, "guest_fault", label, "red"), NULL);
	} else {
		snprintf(label, sizeof(label), "%s 0x%08" PRIx64,
			 x->monitor ? "guest physical P" : "physical P = R", x->g.pa);
		Agnode_t *p = dot_node(g, "gpa", label, NULL);
		dot_edge(g, last, p, x->g.steps ? "leaf" : "paging off");
		if (x->monitor && !x->rfault) {
			snprintf(label, sizeof(label), "machine R 0x%08" PRIx64, x->ma);
			ma = dot_node(g, "ma", label, NULL);
			dot_edge(g, p, ma,
				 x->assigned ? "assigned device page" : "the monitor's P->R map");
		} else if (x->monitor) {
			dot_edge(g, p,
				 dot_node(g, "mmio", "not RAM: a device\\n(emulated)", "purple"),
				 NULL);
			legend |= DOT_LEGEND_DEVICE;
		}
	}

	/* The hardware's walk of the shadow: V -> R directly. */
	if (x->monitor && x->hsatp) {
		Agraph_t *sh = dot_owner(g, "cluster_shadow",
					 "the monitor's shadow table (V -> R): what the hardware "
					 "walks",
					 "blue");
		legend |= DOT_LEGEND_SHADOW;
		snprintf(label, sizeof(label), "shadow satp 0x%08x\\nroot table @ R 0x%08x",
			 x->hsatp, (x->hsatp & SATP_PPN_MASK) << 12);
		Agnode_t *s = dot_node(sh, "shadow_satp", label, "blue");
		dot_edge(g, va, s, "hardware");
		Agnode_t *end = dot_walk_steps(sh, "shadow", "R", &x->h, s, NULL);
		if (x->hfault) {
			/* Three stories, three pictures: filled on demand (orange),
			 * never in this view (grey), the guest's own fault (red). */
			static const struct {
				const char *label, *color;
				unsigned legend;
			} miss[] = {
				[VIZ_MISS_NONE] = { "no entry", "orange", DOT_LEGEND_FILL },
				[VIZ_MISS_FILL] = { "not filled yet\\n(the first access faults;\\n"
						    "the monitor fills it)",
						    "orange", DOT_LEGEND_FILL },
				[VIZ_MISS_VIEW] = { "never shadowed in this view\\n(the guest's "
						    "mode "
						    "may not touch it:\\nU bit, SUM; the fault is "
						    "reflected)",
						    "grey40", DOT_LEGEND_VIEW },
				[VIZ_MISS_GUEST] = { "guest fault\\n(the guest maps nothing "
						     "here;\\n"
						     "the monitor reflects it)",
						     "red", DOT_LEGEND_FAULT },
				[VIZ_MISS_DEVICE] = { "device\\n(emulated on every access)",
						      "purple", DOT_LEGEND_DEVICE },
			};
			legend |= miss[x->miss].legend;
			dot_edge(
			    g, end,
			    dot_node(g, "shadow_miss", miss[x->miss].label, miss[x->miss].color),
			    NULL);
		} else if (ma && x->h.pa == x->ma) {
			dot_edge(g, end, ma, "same R");
		} else {
			snprintf(label, sizeof(label), "machine R 0x%08" PRIx64 "\\n(differs)",
				 x->h.pa);
			dot_edge(g, end, dot_node(g, "shadow_ma", label, "red"), NULL);
		}
	}
	dot_legend(g, legend);
	int r = dot_render(g, path, fmt);
	agclose(g);
	return r;
}

/* The most runs drawn under one level-0 table; the rest become one node. */
#define DOT_TREE_RUNS 5

/* One run's node, under `parent`. */
static void dot_tree_run(Agraph_t *sub, Agnode_t *parent, const struct viz_tree_run *r,
			 const char *name, const char *from, const char *to, bool mega)
{
	char label[320], where[96], beside[64] = "", fl[9];
	if (r->contiguous)
		snprintf(where, sizeof(where), "-> %s 0x%08" PRIx64 "-0x%08" PRIx64, to, r->pa,
			 r->pa + r->len - 1);
	else
		snprintf(where, sizeof(where),
			 "-> %s: %u pages, scattered\\n(first %s 0x%08" PRIx64 ")", to,
			 r->len >> 12, to, r->pa);
	if (r->ma)
		snprintf(beside, sizeof(beside), "\\nR of the first page 0x%08" PRIx64, r->ma);
	snprintf(label, sizeof(label), "%s 0x%08x-0x%08x\\n%s%s\\n%u KiB %s%s", from, r->va,
		 r->va + r->len - 1, where, beside, r->len >> 10, viz_pte_flags(r->flags, fl),
		 mega ? " (4 MiB leaf)" : "");
	Agnode_t *n = dot_node(sub, name, label, (r->flags & PTE_U) ? "blue" : NULL);
	dot_edge(sub, parent, n, NULL);
}

/* Does run b go on where run a ends (contiguous in V, alike)? */
static bool dot_run_continues(const struct viz_tree_run *a, const struct viz_tree_run *b)
{
	return a->va + a->len == b->va && a->flags == b->flags;
}

/* One table as a tree inside its owner's box: the root, one node per
 * valid root entry, one per level-0 table, one per run.  Neighbouring
 * root entries whose tables hold one run that goes on from the last are
 * drawn as one node ("16 level-0 tables"): a direct map of 64 MiB is one
 * branch, not sixteen. */
static void dot_tree(Agraph_t *g, const struct viz_tree *tr, const char *prefix, const char *owner,
		     const char *color, const char *from, const char *to)
{
	char name[48], label[320];
	const char *space = tr->machine ? "R" : "P"; /* where the tables are */
	snprintf(name, sizeof(name), "cluster_%s", prefix);
	Agraph_t *sub = dot_owner(g, name, owner, color);
	snprintf(name, sizeof(name), "%s_root", prefix);
	snprintf(label, sizeof(label), "root table\\n@ %s 0x%08x\\n%u valid entries", space,
		 (tr->satp & SATP_PPN_MASK) << 12, tr->n1);
	Agnode_t *root = dot_node(sub, name, label, color);
	for (unsigned i = 0; i < tr->n1; i++) {
		const struct viz_tree_l1 *e = &tr->l1[i];
		if (!e->table) { /* a megapage: the leaf is in the root */
			snprintf(name, sizeof(name), "%s_r%u", prefix, e->first);
			dot_tree_run(sub, root, &tr->run[e->first], name, from, to, true);
			continue;
		}
		/* Root entries i..j, their tables each one run going on. */
		struct viz_tree_run run = e->nruns ? tr->run[e->first] : (struct viz_tree_run){ 0 };
		unsigned j = i, pages = e->mapped;
		while (e->nruns == 1 && j + 1 < tr->n1) {
			const struct viz_tree_l1 *f = &tr->l1[j + 1];
			const struct viz_tree_run *next = &tr->run[f->first];
			if (!f->table || f->idx != tr->l1[j].idx + 1 || f->nruns != 1 ||
			    !dot_run_continues(&run, next))
				break;
			run.contiguous =
			    run.contiguous && next->contiguous && run.pa + run.len == next->pa;
			run.len += next->len;
			pages += f->mapped;
			j++;
		}
		snprintf(name, sizeof(name), "%s_t%u", prefix, e->idx);
		if (j > i)
			snprintf(label, sizeof(label),
				 "VPN[1] 0x%03x-0x%03x: %s 0x%08x-0x%08x\\n%u level-0 tables, the "
				 "first @ %s 0x%08" PRIx64 "\\n%u pages mapped",
				 e->idx, tr->l1[j].idx, from, e->idx << 22,
				 (tr->l1[j].idx << 22) + 0x3fffff, j - i + 1, space, e->table,
				 pages);
		else
			snprintf(label, sizeof(label),
				 "VPN[1] 0x%03x: %s 0x%08x-0x%08x\\nlevel-0 table @ %s 0x%08" PRIx64
				 "\\n%u pages mapped",
				 e->idx, from, e->idx << 22, (e->idx << 22) + 0x3fffff, space,
				 e->table, e->mapped);
		Agnode_t *t = dot_node(sub, name, label, color);
		dot_edge(sub, root, t, NULL);
		if (j > i) {
			snprintf(name, sizeof(name), "%s_r%u", prefix, e->first);
			dot_tree_run(sub, t, &run, name, from, to, false);
			i = j;
			continue;
		}
		for (unsigned k = 0; k < e->nruns && k < DOT_TREE_RUNS; k++) {
			snprintf(name, sizeof(name), "%s_r%u", prefix, e->first + k);
			dot_tree_run(sub, t, &tr->run[e->first + k], name, from, to, false);
		}
		if (e->nruns > DOT_TREE_RUNS) {
			unsigned more = 0;
			for (unsigned k = DOT_TREE_RUNS; k < e->nruns; k++)
				more += tr->run[e->first + k].len >> 12;
			snprintf(name, sizeof(name), "%s_more%u", prefix, e->idx);
			snprintf(label, sizeof(label), "... %u more runs\\n(%u pages)",
				 e->nruns - DOT_TREE_RUNS, more);
			dot_edge(sub, t, dot_node(sub, name, label, "grey40"), NULL);
		}
	}
}

int viz_draw_tree(const struct viz_tree *guest, const struct viz_tree *hw, const char *hw_kind,
		  const struct viz_caption *c, const char *path, const char *fmt)
{
	fmt = dot_format(path, fmt);
	if (!fmt)
		return -1;
	Agraph_t *g = dot_graph("address_space", c,
				hw ? "The address space: the guest's table, and beside it the one "
				     "the hardware walks"
				   : "The address space: the guest's table");
	unsigned legend = DOT_LEGEND_USER | DOT_LEGEND_PTE;
	dot_tree(g, guest, "guest", "the guest OS's page table (V -> P)", "black", "V", "P");
	if (hw) {
		bool s2 = !strcmp(hw_kind, "stage2");
		dot_tree(g, hw, "hw",
			 s2 ? "the monitor's second-stage table (P -> R), walked by the hardware"
			    : "the monitor's shadow table (V -> R), walked by the hardware",
			 s2 ? "darkgreen" : "blue", s2 ? "P" : "V", "R");
		/* Side by side, not one above the other: the hardware's tree
		 * starts to the right of the guest's leaves (a slide is wide). */
		Agedge_t *e =
		    agedge(g, agnode(g, "guest_root", 0), agnode(g, "hw_root", 0), NULL, 1);
		agsafeset(e, "style", "invis", "");
		agsafeset(e, "minlen", "3", "");
		legend |= s2 ? DOT_LEGEND_STAGE2 : DOT_LEGEND_SHADOW;
	}
	dot_legend(g, legend);
	int rc = dot_render(g, path, fmt);
	agclose(g);
	return rc;
}
