/*
 * draw2_test.c -- the lecture drawings (viz/dot.c), read back with
 * libcgraph: the 2D walk of nested paging with every memory reference
 * numbered (and its count checked against the TVT machine's own walk
 * counter), `walk --all` as two trees side by side, and the title, legend
 * and owners every drawing carries.
 */
#include <criterion/criterion.h>
#include <graphviz/cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/monitor.h"
#include "isa-toy/tvt.h"
#include "tests/viz/util.h"
#include "viz/cmds.h"
#include "viz/dot.h"

/* Run `walk ARGS --dot FILE` and parse FILE. */
static Agraph_t *walk_dot(const char *args, struct runner_result *r)
{
	char path[] = "/tmp/tv-draw2-XXXXXX", cmd[1024];
	cr_assert_eq(runner_tmpfile(path), 0);
	snprintf(cmd, sizeof(cmd), TV " walk %s --dot %s", args, path);
	runner_run(cmd, "", r);
	cr_assert_eq(r->status, 0, "%s\n%s\n%s", cmd, r->out, r->err);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	Agraph_t *g = agread(f, NULL);
	fclose(f);
	unlink(path);
	cr_assert(g, "libcgraph could not read the drawing of %s", args);
	return g;
}

/* Nodes whose label holds `what`. */
static int nodes_with(Agraph_t *g, const char *what)
{
	int n = 0;
	for (Agnode_t *v = agfstnode(g); v; v = agnxtnode(g, v)) {
		const char *l = agget(v, "label");
		n += l && strstr(l, what) != NULL;
	}
	return n;
}

static Agraph_t *cluster(Agraph_t *g, const char *name)
{
	return agsubg(g, (char *)name, 0);
}

/* Title (guest, mode, point in time) and legend, on every drawing. */
static void expect_lecture_ready(Agraph_t *g, const char *mode, const char *where)
{
	const char *title = agget(g, "label");
	cr_assert(title, "no title");
	cr_expect(strstr(title, "kernel.elf"), "%s", title);
	cr_expect(strstr(title, mode), "want mode %s: %s", mode, title);
	cr_expect(strstr(title, "steps"), "%s", title);
	cr_expect(strstr(title, where), "want %s: %s", where, title);
	cr_expect_str_eq(agget(g, "size"), "13.33,7.5", "a 16:9 slide");
	Agraph_t *legend = cluster(g, "cluster_legend");
	cr_assert(legend, "no legend");
	cr_expect_gt(agnnodes(legend), 1);
}

/* The 2D walk: 8 references numbered 1..8 for a user page (both stages
 * two-level), the guest's PTEs in the guest's box, the second stage's in
 * the monitor's. */
Test(draw2, nested_walk_numbers_eight_references, .timeout = 60)
{
	struct runner_result r;
	Agraph_t *g =
	    walk_dot("--mode=vt --append run=hello " KERNEL " --at sys_write --va 0x1000", &r);
	cr_expect(strstr(r.out, "memory references for this TLB miss: 8"), "%s", r.out);
	for (int k = 1; k <= 8; k++) {
		char ref[32];
		snprintf(ref, sizeof(ref), "reference %d:", k);
		cr_expect_eq(nodes_with(g, ref), 1, "%s", ref);
	}
	cr_expect_eq(nodes_with(g, "reference 9:"), 0);
	cr_expect_eq(nodes_with(g, "8 memory references"), 1);
	Agraph_t *s2 = cluster(g, "cluster_stage2"), *guest = cluster(g, "cluster_guest");
	cr_assert(s2 && guest);
	cr_expect_eq(agnnodes(s2), 6, "three second-stage walks of two levels");
	cr_expect(strstr(agget(s2, "label"), "monitor"), "the owner: %s", agget(s2, "label"));
	cr_expect(strstr(agget(guest, "label"), "guest OS"), "the owner");
	expect_lecture_ready(g, "vt (nested paging)", "sys_write");
	agclose(g);
	runner_free(&r);
}

static void console_drop(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

/* The drawing's count against the machine's: translate the same address
 * with TVT's own walker (tvt_translate, as a TLB miss does) on a copy of
 * the hart with the guest's state loaded from the VMCS, as a VM entry
 * loads it, and count the hart's walk references. */
Test(draw2, nested_count_is_the_machines, .timeout = 60)
{
	static struct viz_config cfg = { .mode = "vt", .nguests = 1 };
	cfg.guest[0].elf_path = KERNEL;
	cfg.guest[0].bootargs = "run=hello";
	cfg.guest[0].ram_size = 64u << 20;
	struct dbg *d = calloc(1, sizeof(*d));
	FILE *out = fopen("/dev/null", "w");
	cr_assert(d && out);
	cr_assert_eq(dbg_open(d, &cfg, console_drop, NULL), 0);
	d->out = out;
	uint32_t at;
	cr_assert_eq(dbg_parse_addr(d, "sys_write", &at), 0);
	dbg_break_add(d, at, true);
	cr_assert_eq(dbg_resume(d, UINT64_MAX), DBG_STOP_BREAK);
	static const uint32_t vas[] = { 0x1000, 0x80001000 };
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		struct viz_xlate x;
		viz_translate(&d->t, vas[i], &x);
		cr_assert_neq(x.nested.root, 0, "nested paging");
		struct vm *vm = d->t.mon->vm[0];
		struct cpu *hw = malloc(sizeof(*hw));
		cr_assert(hw);
		*hw = d->t.mon->hw;
		hw->csr = vm->vtx->vmcs.guest.csr;
		hw->csr.sstatus |= SSTATUS_SUM; /* the user page, from the kernel */
		hw->tvt = &vm->vtx->vmcs;
		uint64_t before = hw->walk_refs, pa;
		cr_assert_eq(tvt_translate(hw, vas[i], ACCESS_READ, &pa), 0);
		cr_expect_eq(hw->walk_refs - before, x.nested.refs,
			     "va 0x%08x: the machine made %llu", vas[i],
			     (unsigned long long)(hw->walk_refs - before));
		cr_expect_eq(pa, x.nested.s[x.nested.n - 1].w.pa, "the same R");
		free(hw);
	}
	dbg_close(d);
	free(d);
	fclose(out);
}

/* walk --all: the guest's tree and the shadow's, side by side: roots,
 * level-0 tables (the 64 MiB direct map one branch of 15 tables), runs. */
Test(draw2, whole_address_space_as_two_trees, .timeout = 60)
{
	struct runner_result r;
	Agraph_t *g = walk_dot("--append run=hello " KERNEL " --at sys_write --all", &r);
	Agraph_t *guest = cluster(g, "cluster_guest"), *hw = cluster(g, "cluster_hw");
	cr_assert(guest && hw, "two trees");
	cr_expect(strstr(agget(hw, "label"), "shadow"), "%s", agget(hw, "label"));
	Agnode_t *groot = agnode(g, "guest_root", 0), *hroot = agnode(g, "hw_root", 0);
	cr_assert(groot && hroot);
	cr_expect(strstr(agget(groot, "label"), "valid entries"));
	/* Root -> level-0 tables -> runs: every table node hangs off the root. */
	int tables = 0, runs = 0;
	for (Agnode_t *v = agfstnode(guest); v; v = agnxtnode(guest, v)) {
		const char *name = agnameof(v);
		if (!strncmp(name, "guest_t", 7)) {
			tables++;
			cr_expect(agedge(g, groot, v, NULL, 0), "%s hangs off the root", name);
		} else if (!strncmp(name, "guest_r", 7) && strcmp(name, "guest_root")) {
			runs++;
			cr_expect_eq(agdegree(g, v, 1, 0), 1, "a run has one parent: %s", name);
		}
	}
	cr_expect_geq(tables, 4);
	cr_expect_geq(runs, tables);
	cr_expect_eq(nodes_with(g, "15 level-0 tables"), 1, "the direct map, merged");
	cr_expect_geq(nodes_with(g, "more runs"), 1, "the kernel stacks, cut short");
	cr_expect_geq(nodes_with(g, "R of the first page"), 1, "R beside P");
	cr_expect_eq(nodes_with(g, "V 0x00001000-"), 1, "the user program's text");
	cr_expect_geq(agnnodes(hw), 3, "the shadow's root, a table, runs");
	/* Side by side: an invisible edge from one root to the other. */
	Agedge_t *e = agedge(g, groot, hroot, NULL, 0);
	cr_assert(e);
	cr_expect_str_eq(agget(e, "style"), "invis");
	expect_lecture_ready(g, "trap", "sys_write");
	agclose(g);
	runner_free(&r);
}

/* Under nested paging, the table beside the guest's is the second stage. */
Test(draw2, whole_address_space_nested_has_the_second_stage, .timeout = 60)
{
	struct runner_result r;
	Agraph_t *g = walk_dot("--mode=vt --append run=hello " KERNEL " --at sys_write --all", &r);
	Agraph_t *hw = cluster(g, "cluster_hw");
	cr_assert(hw);
	cr_expect(strstr(agget(hw, "label"), "second-stage"), "%s", agget(hw, "label"));
	cr_expect_geq(nodes_with(g, "-> R: "), 1, "P -> R runs, scattered");
	agclose(g);
	runner_free(&r);
}
