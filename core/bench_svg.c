/*
 * bench_svg.c -- the chart of `trapvisor bench modes --svg FILE`: the
 * cost per iteration as grouped bars, one group per kind, one bar per
 * row, on a logarithmic y axis (the kinds span five decades: a call
 * costs a few instruction units, a process creation hundreds of
 * thousands).  SVG is XML text, written here by hand:
 *
 *        cost per iteration
 *   10k -+----------------------------------   o bare
 *        |        #                            o trap
 *    1k -+-----#--#-------------------------   o ...
 *        |  #  #  #        #
 *   100 -+--#--#--#-----#--#----------------
 *        |  #  #  #  #  #  #
 *        +--------------------------------
 *             call        syscall   ...
 *
 * Each bar is one <rect> with a <title> (its value, shown on hover) and
 * data-kind/data-row attributes, and its value is written on it too
 * (a <text class="value">, turned to run up the bar: a projected chart
 * has no hover); the legend uses circles, so the <rect>s are exactly the
 * bars.  All text comes from fixed tables (names of
 * kinds and rows), so nothing needs XML escaping.
 */
#include <math.h>
#include <stdio.h>

#include "core/bench.h"

/* The geometry, in SVG user units (pixels). */
#define SVG_BAR	   14  /* width of one bar */
#define SVG_GAP	   24  /* between two groups */
#define SVG_LEFT   80  /* the y axis and its labels */
#define SVG_TOP	   96  /* the title, and room for the values on the tallest bars */
#define SVG_PLOT_H 320 /* the plot area's height */
#define SVG_BOTTOM 48  /* the kind labels */
#define SVG_LEGEND 150 /* the legend, right of the plot */

/* svg_decade_label: "1", "10", "100", "1k", ..., "0.1" for 10^e. */
static void svg_decade_label(char *buf, size_t len, int e)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	if (e < 0)
		snprintf(buf, len, "%g", pow(10, e));
	else if (e / 3 < 5)
		snprintf(buf, len, "%.0f%s", pow(10, e % 3), suffix[e / 3]);
	else
		snprintf(buf, len, "1e%d", e);
}

/* svg_value_label: a bar's value, short enough to stand on a bar 14
 * units wide: "7", "12.4", "698", "1.7k", "20.1k", "336k", "1.2M". */
static void svg_value_label(char *buf, size_t len, double v)
{
	if (v < 10)
		snprintf(buf, len, "%.2g", v);
	else if (v < 1000)
		snprintf(buf, len, "%.0f", v);
	else if (v < 1e6)
		snprintf(buf, len, v < 1e5 ? "%.1fk" : "%.0fk", v / 1e3);
	else
		snprintf(buf, len, "%.1fM", v / 1e6);
}

int bench_svg_write(FILE *f, const struct bench_table *t, const struct bench_cost *c)
{
	/* The y range: whole decades around every positive cost. */
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < t->nkinds; i++)
		for (int j = 0; j < t->nrows; j++) {
			double v = bench_cost_of(c, &t->cell[i][j]);
			if (v > 0) {
				lo = fmin(lo, floor(log10(v)));
				hi = fmax(hi, ceil(log10(v)));
			}
		}
	if (lo > hi) /* nothing positive to draw */
		lo = 0, hi = 1;
	if (hi <= lo)
		hi = lo + 1;

	int group = t->nrows * SVG_BAR + SVG_GAP;
	int plot_w = t->nkinds * group;
	int width = SVG_LEFT + plot_w + SVG_LEGEND;
	int height = SVG_TOP + SVG_PLOT_H + SVG_BOTTOM;
	double bottom = SVG_TOP + SVG_PLOT_H;

	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		width, height, width, height);
	fprintf(f,
		"<text x=\"%d\" y=\"22\" font-size=\"15\">trapvisor bench modes: cost per "
		"iteration</text>\n"
		"<text x=\"%d\" y=\"40\" fill=\"#555\">cost = insns + %g x traps + %g x exits "
		"+ %g x walk refs + %g x handled</text>\n",
		SVG_LEFT, SVG_LEFT, c->trap, c->sw, c->walk, c->emulate);

	/* The y axis: a line and a label per decade, the title turned. */
	for (int e = (int)lo; e <= (int)hi; e++) {
		double y = bottom - SVG_PLOT_H * (e - lo) / (hi - lo);
		char label[32];
		svg_decade_label(label, sizeof(label), e);
		fprintf(f,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>\n"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			SVG_LEFT, y, SVG_LEFT + plot_w, y, SVG_LEFT - 6, y + 4, label);
	}
	fprintf(f,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\"/>\n"
		"<text transform=\"translate(%d %.1f) rotate(-90)\" text-anchor=\"middle\">"
		"cost per iteration (log scale)</text>\n",
		SVG_LEFT, SVG_TOP, SVG_LEFT, bottom, 22, bottom - SVG_PLOT_H / 2.0);

	/* The bars, a group per kind.  A cost below the axis' bottom (only
	 * zero or less can be) gets a bar of height 0. */
	for (int i = 0; i < t->nkinds; i++) {
		int x0 = SVG_LEFT + i * group + SVG_GAP / 2;
		for (int j = 0; j < t->nrows; j++) {
			double v = bench_cost_of(c, &t->cell[i][j]);
			double h = v > 0 ? SVG_PLOT_H * (log10(v) - lo) / (hi - lo) : 0;
			fprintf(f,
				"<rect class=\"bar\" data-kind=\"%s\" data-row=\"%s\" x=\"%d\" "
				"y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
				"<title>%s, %s: %.1f</title></rect>\n",
				t->kind[i]->name, t->row[j]->name, x0 + j * SVG_BAR, bottom - h,
				SVG_BAR - 2, h, t->row[j]->color, t->kind[i]->name, t->row[j]->name,
				v);
			char value[16];
			svg_value_label(value, sizeof(value), v);
			fprintf(f,
				"<text class=\"value\" data-kind=\"%s\" data-row=\"%s\" "
				"font-size=\"10\" transform=\"translate(%.1f %.1f) rotate(-90)\">"
				"%s</text>\n",
				t->kind[i]->name, t->row[j]->name,
				x0 + j * SVG_BAR + SVG_BAR / 2.0 + 3, bottom - h - 3, value);
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			x0 + t->nrows * SVG_BAR / 2.0, bottom + 20, t->kind[i]->name);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\"/>\n",
		SVG_LEFT, bottom, SVG_LEFT + plot_w, bottom);

	/* The legend: a dot and a name per row. */
	for (int j = 0; j < t->nrows; j++) {
		int y = SVG_TOP + 10 + 20 * j;
		fprintf(f,
			"<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"%s\"/>\n"
			"<text x=\"%d\" y=\"%d\">%s</text>\n",
			SVG_LEFT + plot_w + 20, y, t->row[j]->color, SVG_LEFT + plot_w + 32, y + 4,
			t->row[j]->name);
	}
	fprintf(f, "</svg>\n");
	return ferror(f) ? -1 : 0;
}
