/*
 * dot_test.c -- `trapvisor walk` drawings: content (one node per PTE on
 * each path, the addresses the text walk printed) and validity (the .dot
 * parses back with libcgraph, PNG magic, SVG is XML with the node texts).
 */
#include <criterion/criterion.h>
#include <graphviz/cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/viz/util.h"

struct drawing {
	char dir[64], dot[96], svg[96], png[96];
	struct runner_result r;
};

static void draw(struct drawing *d, const char *how)
{
	char cmd[1024];
	snprintf(d->dir, sizeof(d->dir), "/tmp/tv-viz-dot-XXXXXX");
	cr_assert(mkdtemp(d->dir));
	snprintf(d->dot, sizeof(d->dot), "%s/w.dot", d->dir);
	snprintf(d->svg, sizeof(d->svg), "%s/w.svg", d->dir);
	snprintf(d->png, sizeof(d->png), "%s/w.png", d->dir);
	snprintf(cmd, sizeof(cmd), TV " walk %s --dot %s --svg %s --png %s", how, d->dot, d->svg,
		 d->png);
	runner_run(cmd, "", &d->r);
	cr_assert_eq(d->r.status, 0, "%s\n%s", d->r.out, d->r.err);
}

static void cleanup(struct drawing *d)
{
	unlink(d->dot);
	unlink(d->svg);
	unlink(d->png);
	rmdir(d->dir);
	runner_free(&d->r);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s missing", path);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* Parse the .dot with libcgraph; count nodes whose label has `what`. */
static int count_nodes(const char *path, const char *what, char *labels, size_t cap)
{
	FILE *f = fopen(path, "r");
	cr_assert(f);
	Agraph_t *g = agread(f, NULL);
	fclose(f);
	cr_assert(g, "libcgraph could not parse %s", path);
	int n = 0;
	labels[0] = 0;
	for (Agnode_t *v = agfstnode(g); v; v = agnxtnode(g, v)) {
		char *l = agget(v, "label");
		if (l && strstr(l, what))
			n++;
		if (l && strlen(labels) + strlen(l) + 2 < cap) {
			strcat(labels, l);
			strcat(labels, "\n");
		}
	}
	agclose(g);
	return n;
}

Test(dot, user_page_in_a_system_call)
{
	/* At sys_write, user address 0x1000: the guest walk reads two PTEs;
	 * the kernel-view shadow has not got the user page (one PTE, a miss). */
	struct drawing d;
	char labels[8192], want[64];
	draw(&d, "--append run=hello " KERNEL " --at sys_write --va 0x1000");
	int pte = count_nodes(d.dot, "PTE", labels, sizeof(labels));
	cr_expect_eq(pte, 3, "%s", labels);
	/* The addresses of the text walk are in the nodes. */
	uint64_t p = viz_t_hex_after(d.r.out, "V 0x00001000 -> P");
	uint64_t l1 = viz_t_hex_after(d.r.out, "level-1 PTE at P");
	uint64_t l0 = viz_t_hex_after(d.r.out, "level-0 PTE at P");
	snprintf(want, sizeof(want), "guest physical P 0x%08llx", (unsigned long long)p);
	cr_expect(strstr(labels, want), "%s in %s", want, labels);
	snprintf(want, sizeof(want), "@ P 0x%08llx", (unsigned long long)l1);
	cr_expect(strstr(labels, want), "%s in %s", want, labels);
	snprintf(want, sizeof(want), "@ P 0x%08llx", (unsigned long long)l0);
	cr_expect(strstr(labels, want), "%s in %s", want, labels);
	cr_expect(strstr(labels, "never shadowed in this view"),
		  "a user page from the kernel with SUM=0:\n%s", labels);

	size_t len;
	char *png = slurp(d.png, &len);
	cr_expect(len > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8), "PNG magic");
	free(png);
	char *svg = slurp(d.svg, &len);
	cr_expect(strstr(svg, "<?xml") && strstr(svg, "<svg") && strstr(svg, "</svg>"));
	snprintf(want, sizeof(want), "guest physical P 0x%08llx", (unsigned long long)p);
	cr_expect(strstr(svg, want), "SVG has the node text %s", want);
	free(svg);
	cleanup(&d);
}

Test(dot, kernel_text_after_a_fill_both_paths_meet)
{
	/* kmain, once running: the guest's paging is off at first, so the
	 * guest path has no PTE; the shadow has filled the page (two PTEs)
	 * and reaches the same machine address. */
	struct drawing d;
	char labels[8192];
	draw(&d, KERNEL " --at kmain --va kmain");
	cr_expect_eq(count_nodes(d.dot, "PTE", labels, sizeof(labels)), 2, "%s", labels);
	cr_expect(strstr(labels, "shadow satp"), "%s", labels);
	cr_expect(strstr(d.r.out, "(agrees with V->P->R)"), "%s", d.r.out);
	char *dot;
	size_t len;
	dot = slurp(d.dot, &len);
	cr_expect(strstr(dot, "same R"), "the shadow path ends at the P->R node");
	free(dot);
	cleanup(&d);
}

Test(dot, bare_board_has_no_shadow)
{
	struct drawing d;
	char labels[8192];
	draw(&d, "--mode=bare " KERNEL " --at sys_write --va sys_write");
	cr_expect_eq(count_nodes(d.dot, "PTE", labels, sizeof(labels)), 2, "%s", labels);
	cr_expect(!strstr(labels, "shadow"), "%s", labels);
	cr_expect(strstr(labels, "physical P = R"), "%s", labels);
	cleanup(&d);
}

Test(dot, whole_address_space)
{
	struct drawing d;
	char labels[65536];
	draw(&d, "--append run=hello " KERNEL " --at sys_write --all");
	const char *p = strstr(d.r.out, " runs of mappings");
	cr_assert(p, "%s", d.r.out);
	while (p > d.r.out && p[-1] != '\n')
		p--;
	int n = atoi(p);
	cr_expect_gt(n, 2);
	/* Each run of the text is a node of the drawing's guest tree, or is
	 * merged into one (across level-0 tables), or counted in a "more
	 * runs" node: never more run nodes than runs. */
	int drawn = count_nodes(d.dot, "KiB", labels, sizeof(labels));
	cr_expect_gt(drawn, 2, "%s", labels);
	cr_expect(strstr(labels, "V 0x00001000-"), "the user program's text: %s", labels);
	cleanup(&d);
}

Test(dot, bad_requests)
{
	struct runner_result r;
	runner_run(TV " walk " KERNEL " --at nosuch --va 0 --dot /tmp/x.dot", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--at nosuch: no such symbol"), "%s", r.err);
	runner_free(&r);
	runner_run(TV " walk " KERNEL " --after 10", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "which address?"), "%s", r.err);
	runner_free(&r);
}

/* Every way a drawing can fail to be written is exit 2 with one line
 * naming the file, and no "wrote" line: a directory that does not exist
 * (fopen fails) and /dev/full (the write or the close fails), in each
 * format.  It once printed Graphviz's error, then "wrote FILE", exit 0. */
Test(dot, unwritable_outputs_are_exit_2)
{
	static const char *const paths[] = { "/nonexistent/dir/x", "/dev/full" };
	static const char *const fmts[] = { "dot", "svg", "png" };
	char cmd[256], err[64];
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 3; j++) {
			snprintf(cmd, sizeof(cmd),
				 TV " walk " KERNEL " --after 10 --va 0x80000000 --%s %s", fmts[j],
				 paths[i]);
			snprintf(err, sizeof(err), "%s: cannot write", paths[i]);
			viz_t_expect_exit(cmd, "", 2, err);
		}
}

/* The walk's text to a full stdout is an error too, not a silent exit 0.
 * (sh -c: the runner's own redirection of stdout comes last.) */
Test(dot, full_stdout_is_exit_2)
{
	viz_t_expect_exit("sh -c '" TV " walk " KERNEL " --after 10 --va 0x80000000 >/dev/full'",
			  "", 2, "standard output");
}

/* Local symbols: --at a local label (`t` in nm) of an assembly loop and
 * --va a local data label of the kernel (boot_stack, `b` in nm). */
Test(dot, local_symbols_for_at_and_va)
{
	struct runner_result r;
	char want[64];
	uint32_t back2 = viz_t_sym(LOCALS, "back2");
	cr_assert(back2, "nm found no back2 in " LOCALS);
	runner_run(TV " walk --mode=bare " LOCALS " --at back2 --va back2", "", &r);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "=> 0x%08x ", back2);
	cr_expect(strstr(r.out, want), "%s\n%s", r.out, r.err);
	snprintf(want, sizeof(want), "V 0x%08x:", back2);
	cr_expect(strstr(r.out, want), "%s", r.out);
	runner_free(&r);
	uint32_t stack = viz_t_sym(KERNEL, "boot_stack");
	cr_assert(stack, "nm found no boot_stack");
	runner_run(TV " walk " KERNEL " --after 10 --va boot_stack", "", &r);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "V 0x%08x:", stack);
	cr_expect(strstr(r.out, want), "%s", r.out);
	runner_free(&r);
}

/* A missing shadow entry is one of three stories, and each is drawn as
 * itself: a page the guest maps for its mode (filled on demand), a user
 * page seen from the kernel with SUM=0 (never shadowed in this view), and
 * an address the guest maps nothing at (a fault reflected to it). */
Test(dot, three_kinds_of_missing_shadow_entry)
{
	static const struct {
		const char *va, *label, *color, *text;
	} cases[] = {
		/* (The node's label goes on after a line break, "\\n" in DOT:
		 * the legend's line about the same colour does not.) */
		{ "0x83f00000", "not filled yet\\n", "orange", "not filled yet: the first access" },
		{ "0x1000", "never shadowed in this view\\n", "grey40",
		  "never shadowed in this view" },
		{ "0x40000000", "guest fault\\n", "red", "the guest maps nothing here" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct drawing d;
		char how[256], labels[8192];
		snprintf(how, sizeof(how), "--append run=hello " KERNEL " --at sys_write --va %s",
			 cases[i].va);
		draw(&d, how);
		cr_expect(strstr(d.r.out, cases[i].text), "%s: %s", cases[i].va, d.r.out);
		cr_expect_eq(count_nodes(d.dot, cases[i].label, labels, sizeof(labels)), 1,
			     "%s: one '%s' node:\n%s", cases[i].va, cases[i].label, labels);
		/* Its colour: read back from the graph. */
		FILE *f = fopen(d.dot, "r");
		cr_assert(f);
		Agraph_t *g = agread(f, NULL);
		fclose(f);
		cr_assert(g);
		Agnode_t *miss = agnode(g, "shadow_miss", 0);
		cr_assert(miss, "%s: no shadow_miss node", cases[i].va);
		char *color = agget(miss, "color");
		cr_expect(color && !strcmp(color, cases[i].color), "%s: colour %s", cases[i].va,
			  color ? color : "(none)");
		/* The legend explains that colour. */
		Agraph_t *legend = agsubg(g, "cluster_legend", 0);
		cr_assert(legend, "%s: no legend", cases[i].va);
		bool explained = false;
		for (Agnode_t *v = agfstnode(legend); v; v = agnxtnode(legend, v))
			explained = explained || !strcmp(agget(v, "color"), cases[i].color);
		cr_expect(explained, "%s: the legend has no %s", cases[i].va, cases[i].color);
		agclose(g);
		cleanup(&d);
	}
}
