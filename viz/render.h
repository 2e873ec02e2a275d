/*
 * render.h -- Graphviz rendering for drawings made elsewhere (the x86
 * backend's page walk), with no dependency on the toy machine's headers.
 */
#ifndef VIZ_RENDER_H
#define VIZ_RENDER_H

/* Lay out a graph given as DOT text and write it to path as fmt ("dot",
 * "svg", "png"; NULL: from the extension), through the same libgvc
 * context and checked writes as the toy machine's drawings (viz/dot.c).
 * 0, or -1 after one line on stderr. */
int viz_render_dot(const char *text, const char *path, const char *fmt);

#endif
