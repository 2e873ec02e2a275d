/*
 * tui_int.h -- the curses debugger's state, shared by its files (private
 * to viz/: tui.c runs the screen and the command line, tui_panes.c draws).
 */
#ifndef VIZ_TUI_INT_H
#define VIZ_TUI_INT_H

#include <curses.h>
#include <stdbool.h>

#include "viz/console.h"
#include "viz/dbg.h"

enum { TUI_RED = 1, TUI_TITLE };

enum tui_pane {
	TUI_REGS,
	TUI_CODE,
	TUI_TRACE,
	TUI_PAGES,
	TUI_CONSOLE,
	TUI_MEMORY,
	TUI_OUTPUT,
	TUI_VMCS, /* --mode=vt only (NULL otherwise) */
	TUI_PANES
};

struct tui {
	struct dbg *d;
	struct viz_console *con;
	WINDOW *pane[TUI_PANES];
	WINDOW *cmd;	/* the command line, last row */
	int rows, cols; /* the screen size the layout was made for */
	char *out;	/* recent command output (the Output pane) */
	size_t out_len;
	bool have_sel; /* a virtual address chosen with `walk` */
	uint32_t sel_va;
	bool have_mem; /* an address chosen with `x` */
	uint32_t mem_addr;
	int pages_view; /* the Page tables pane: 0 walk/map, 1 shadow beside guest, 2 P->R (Ctrl-T) */
	bool dirty;	/* a command ran: redraw every pane */
	char *last;	/* the last command (malloc'd, whole): Enter alone repeats it */
	int out_back;	/* the Output pane scrolled back this many lines (PageUp) */
	/* Keys typed while the guest ran (read while looking for Ctrl-C),
	 * given to readline before any new key: typed ahead, never lost. */
	int ahead[256];
	int nahead, ahead_at;
};

void tui_put_lines(WINDOW *w, const char *text, bool tail);
/* The same, the last lines but `back` (0: the very last ones). */
void tui_put_lines_back(WINDOW *w, const char *text, int back);
char *tui_capture(struct tui *t, const char *cmd);
void tui_pane_regs(struct tui *t, WINDOW *w);
/* Rows the Registers pane needs at width `cols` (borders included). */
int tui_regs_height(const struct tui *t, int cols);
void tui_pane_code(struct tui *t, WINDOW *w);
void tui_pane_trace(struct tui *t, WINDOW *w);
void tui_pane_pages(struct tui *t, WINDOW *w);
void tui_pane_console(struct tui *t, WINDOW *w);
void tui_pane_memory(struct tui *t, WINDOW *w);
void tui_pane_output(struct tui *t, WINDOW *w);
void tui_pane_vmcs(struct tui *t, WINDOW *w);

#endif
