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

/* What a drawing says it shows, in its title: which guest, in which mode,
 * at which point of its run.  Every drawing is made to be projected: a
 * title, a legend of its colours, each table labelled with its owner
 * (the guest OS, the monitor, the hardware), laid out for a 16:9 slide. */
struct viz_caption {
	const char *guest; /* the guest ELF's file name */
	const char *mode;  /* "trap", "vt (nested paging)", ... */
	int vm;
	uint64_t position; /* steps since the entry */
	char where[80];	   /* the pc and its symbol */
};

/* Draw the translation `x`: satp -> level-1 PTE -> level-0 PTE -> guest
 * physical -> machine physical, beside the shadow's direct path (or,
 * under nested paging, every guest-physical address of the walk through
 * the second stage, each memory reference numbered), one node per PTE
 * read, each labelled with its address, index and flags.  `fmt` is
 * "dot", "svg" or "png", or NULL to take it from path's extension.
 * Returns 0, or -1 after a message on stderr. */
int viz_draw_walk(const struct viz_xlate *x, const struct viz_caption *c, const char *path,
		  const char *fmt);

/* Draw a whole address space as the two-level tree it is -- root, its
 * entries, the level-0 tables, runs of pages mapped alike -- with R
 * beside P, and beside it the table the hardware walks (`hw`, NULL for
 * none: the shadow, or the second stage under nested paging, named by
 * hw_kind).  fmt as for viz_draw_walk.  0, or -1 after a message. */
int viz_draw_tree(const struct viz_tree *guest, const struct viz_tree *hw, const char *hw_kind,
		  const struct viz_caption *c, const char *path, const char *fmt);

#endif
