/*
 * tui.h -- the full-screen curses debugger over the command engine.
 */
#ifndef VIZ_TUI_H
#define VIZ_TUI_H

#include "viz/console.h"
#include "viz/dbg.h"

/* Run the curses interface on the terminal until `quit`.  Returns the
 * process exit status. */
int viz_tui_run(struct dbg *d, struct viz_console *con);

#endif
