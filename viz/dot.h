/*
 * dot.h -- drawings of page walks and address spaces with Graphviz,
 * rendered in-process by libgvc (no `dot` process): .dot text, or an
 * SVG or PNG picture laid out by the dot engine.
 */
#ifndef VIZ_DOT_H
#define VIZ_DOT_H

#include <stddef.h>

#include "viz/inspect.h"
#include "viz/render.h"

/* Draw the translation `x`: satp -> level-1 PTE -> level-0 PTE -> guest
 * physical -> machine physical, beside the shadow's direct path, one node
 * per PTE read, each labelled with its address, index and flags.  `fmt`
 * is "dot", "svg" or "png", or NULL to take it from path's extension.
 * Returns 0, or -1 after a message on stderr. */
int viz_draw_walk(const struct viz_xlate *x, const char *path, const char *fmt);

/* A growable list of runs (viz_map_runs' output), for drawing. */
struct viz_map {
	struct viz_run *run;
	size_t n, cap;
};
void viz_map_add(struct viz_map *m, const struct viz_run *r);
void viz_map_free(struct viz_map *m);

/* Draw a whole address space: the root, and one node per run of pages
 * mapped alike (fmt as for viz_draw_walk).  Returns 0, or -1 after a message. */
int viz_draw_map(const struct viz_map *m, uint32_t satp, const char *path, const char *fmt);

#endif
