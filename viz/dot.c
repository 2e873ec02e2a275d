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

static Agraph_t *dot_graph(const char *name)
{
	Agraph_t *g = agopen((char *)name, Agdirected, NULL);
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "fontname", "monospace");
	agattr(g, AGNODE, "color", "black");
	agattr(g, AGEDGE, "label", "");
	return g;
}

/* The PTE nodes of one walk, chained from `from`; returns the last. */
static Agnode_t *dot_walk_steps(Agraph_t *g, const char *prefix, const char *space,
				const struct sv32_walk *w, Agnode_t *from)
{
	char name[32], label[256], fl[9];
	for (int i = 0; i < w->steps; i++) {
		uint32_t pte = w->pte[i];
		unsigned idx = (unsigned)((w->pte_pa[i] - w->table[i]) / 4);
		snprintf(name, sizeof(name), "%s_l%d", prefix, 1 - i);
		snprintf(label, sizeof(label),
			 "level-%d PTE\\n@ %s 0x%08" PRIx64 "\\nindex VPN[%d] = 0x%03x\\n"
			 "value 0x%08x\\nflags %s",
			 1 - i, space, w->pte_pa[i], 1 - i, idx, pte, viz_pte_flags(pte, fl));
		Agnode_t *n = dot_node(g, name, label, (pte & PTE_V) ? NULL : "red");
		dot_edge(g, from, n, i == 0 ? "root" : "next");
		from = n;
	}
	return from;
}

int viz_draw_walk(const struct viz_xlate *x, const char *path, const char *fmt)
{
	char label[256];
	fmt = dot_format(path, fmt);
	if (!fmt)
		return -1;
	Agraph_t *g = dot_graph("walk");

	snprintf(label, sizeof(label), "V 0x%08x\\nVPN[1] 0x%03x  VPN[0] 0x%03x\\noffset 0x%03x",
		 x->va, x->va >> 22, (x->va >> 12) & 0x3ff, x->va & 0xfff);
	Agnode_t *va = dot_node(g, "va", label, NULL);

	/* The guest's walk: V -> P. */
	Agnode_t *last = va;
	if (x->gsatp & SATP_MODE_SV32) {
		snprintf(label, sizeof(label), "guest satp 0x%08x\\nroot table @ P 0x%08x",
			 x->gsatp, (x->gsatp & SATP_PPN_MASK) << 12);
		Agnode_t *s = dot_node(g, "guest_satp", label, NULL);
		dot_edge(g, va, s, NULL);
		last = dot_walk_steps(g, "guest", "P", &x->g, s);
	}
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
			dot_edge(g, p, ma, x->assigned ? "assigned device page" : "P->R map");
		} else if (x->monitor) {
			dot_edge(g, p, dot_node(g, "mmio", "not RAM: a device\\n(emulated)", NULL),
				 NULL);
		}
	}

	/* The hardware's walk of the shadow: V -> R directly. */
	if (x->monitor && x->hsatp) {
		snprintf(label, sizeof(label), "shadow satp 0x%08x\\nroot table @ R 0x%08x",
			 x->hsatp, (x->hsatp & SATP_PPN_MASK) << 12);
		Agnode_t *s = dot_node(g, "shadow_satp", label, "blue");
		dot_edge(g, va, s, "hardware");
		Agnode_t *end = dot_walk_steps(g, "shadow", "R", &x->h, s);
		if (x->hfault) {
			/* Three stories, three pictures: filled on demand (orange),
			 * never in this view (grey), the guest's own fault (red). */
			static const struct {
				const char *label, *color;
			} miss[] = {
				[VIZ_MISS_NONE] = { "no entry", "orange" },
				[VIZ_MISS_FILL] = { "not filled yet\\n(the first access faults;\\n"
						    "the monitor fills it)",
						    "orange" },
				[VIZ_MISS_VIEW] = { "never shadowed in this view\\n(the guest's "
						    "mode "
						    "may not touch it:\\nU bit, SUM; the fault is "
						    "reflected)",
						    "grey40" },
				[VIZ_MISS_GUEST] = { "guest fault\\n(the guest maps nothing "
						     "here;\\n"
						     "the monitor reflects it)",
						     "red" },
				[VIZ_MISS_DEVICE] = { "device\\n(emulated on every access)",
						      "purple" },
			};
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
	int r = dot_render(g, path, fmt);
	agclose(g);
	return r;
}

void viz_map_add(struct viz_map *m, const struct viz_run *r)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct viz_run *p = realloc(m->run, cap * sizeof(*p));
		if (!p)
			return; /* the drawing just misses runs; the text had them */
		m->run = p;
		m->cap = cap;
	}
	m->run[m->n++] = *r;
}

void viz_map_free(struct viz_map *m)
{
	free(m->run);
	memset(m, 0, sizeof(*m));
}

int viz_draw_map(const struct viz_map *m, uint32_t satp, const char *path, const char *fmt)
{
	char label[256], name[32], fl[9];
	fmt = dot_format(path, fmt);
	if (!fmt)
		return -1;
	Agraph_t *g = dot_graph("address_space");
	snprintf(label, sizeof(label), "satp 0x%08x\\nroot @ P 0x%08x\\n%zu runs", satp,
		 (satp & SATP_PPN_MASK) << 12, m->n);
	Agnode_t *root = dot_node(g, "satp", label, NULL);
	for (size_t i = 0; i < m->n; i++) {
		const struct viz_run *r = &m->run[i];
		snprintf(name, sizeof(name), "run%zu", i);
		snprintf(label, sizeof(label), "V 0x%08x-0x%08x\\n-> P 0x%08" PRIx64 "\\n%u KiB %s",
			 r->va, r->va + r->len - 1, r->pa, r->len >> 10,
			 viz_pte_flags(r->flags, fl));
		dot_edge(g, root, dot_node(g, name, label, (r->flags & PTE_U) ? "blue" : NULL),
			 NULL);
	}
	int rc = dot_render(g, path, fmt);
	agclose(g);
	return rc;
}
