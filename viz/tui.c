/*
 * tui.c -- the full-screen debugger: curses panes over the command
 * engine, and a readline command line (history, tab completion of
 * commands and symbols).
 *
 *   +-- Registers ------------+-- Code ----------------+
 *   +-- Trap trace -----------+-- Page tables ---------+
 *   +-- Console --------------+-- Memory --------------+
 *   +-- Output (what commands printed) ----------------+
 *   (tv) command line
 *
 * Readline normally owns the terminal; here curses does.  So readline
 * runs in its "alternate" (callback) interface: we read each key with
 * curses and hand it over (rl_getc_function), and readline calls us back
 * to draw the line (rl_redisplay_function) and when a line is complete.
 */
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/monitor.h"
#include "viz/tui.h"
#include "viz/tui_int.h"

#define TUI_OUT_KEEP (1 << 20) /* the Output pane's history: 1 MiB of text */

static struct tui *tui_self; /* readline's callbacks carry no context */
static int tui_key;	     /* the key being handed to readline */
static bool tui_key_ready;

static void tui_append_out(struct tui *t, const char *s)
{
	size_t n = strlen(s);
	if (n > TUI_OUT_KEEP)
		s += n - TUI_OUT_KEEP, n = TUI_OUT_KEEP;
	if (t->out_len + n > TUI_OUT_KEEP) { /* keep the newer half */
		size_t drop = t->out_len + n - TUI_OUT_KEEP / 2;
		if (drop > t->out_len)
			drop = t->out_len;
		memmove(t->out, t->out + drop, t->out_len - drop + 1);
		t->out_len -= drop;
	}
	char *p = realloc(t->out, t->out_len + n + 1);
	if (!p)
		return;
	t->out = p;
	memcpy(t->out + t->out_len, s, n + 1);
	t->out_len += n;
}

/* (Re)make the panes for the current screen size:
 *
 *   +-- Registers (full width, as tall as its content needs) --------+
 *   +-- Code ---------------------------+-- Page tables -------------+
 *   +-- Trap trace ---------+-- Console ----------+-- Memory --------+
 *   +-- Output ------------------------------------------------------+
 *
 * Under --mode=vt a VMCS pane takes the top of the Page tables column.
 *   (tv) command line
 */
static void tui_layout(struct tui *t)
{
	for (int i = 0; i < TUI_PANES; i++)
		if (t->pane[i])
			delwin(t->pane[i]);
	if (t->cmd)
		delwin(t->cmd);
	getmaxyx(stdscr, t->rows, t->cols);
	int H = t->rows, W = t->cols;
	int out_h = H >= 40 ? 8 : H >= 30 ? 6 : 4;
	int reg_h = tui_regs_height(t, W);
	if (reg_h > H / 2)
		reg_h = H / 2;
	int rest = H - 1 - out_h - reg_h, ha = (rest * 11 + 10) / 20, hb = rest - ha;
	int lw = W / 2, tw = W * 2 / 5, cw = (W - tw) / 2;
	t->pane[TUI_REGS] = newwin(reg_h, W, 0, 0);
	t->pane[TUI_CODE] = newwin(ha, lw, reg_h, 0);
	const struct vm *vm = t->d->t.ops->monitor ? t->d->t.mon->vm[t->d->t.vm] : NULL;
	int vh = vm && vm->vt ? (ha - 3 < 6 ? ha - 3 : 6) : 0;
	t->pane[TUI_VMCS] = vh ? newwin(vh, W - lw, reg_h, lw) : NULL;
	t->pane[TUI_PAGES] = newwin(ha - vh, W - lw, reg_h + vh, lw);
	t->pane[TUI_TRACE] = newwin(hb, tw, reg_h + ha, 0);
	t->pane[TUI_CONSOLE] = newwin(hb, cw, reg_h + ha, tw);
	t->pane[TUI_MEMORY] = newwin(hb, W - tw - cw, reg_h + ha, tw + cw);
	t->pane[TUI_OUTPUT] = newwin(out_h, W, H - 1 - out_h, 0);
	t->cmd = newwin(1, W, H - 1, 0);
	wtimeout(t->cmd, 100);
	keypad(t->cmd, FALSE); /* raw escape sequences: readline decodes them */
}

static void tui_redisplay(void)
{
	struct tui *t = tui_self;
	werase(t->cmd);
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	int plen = (int)strlen(prompt), room = t->cols - plen - 1;
	/* Scroll a long line so the cursor stays visible. */
	int start = rl_point > room ? rl_point - room : 0;
	mvwaddstr(t->cmd, 0, 0, prompt);
	waddnstr(t->cmd, rl_line_buffer + start, room > 0 ? room : 0);
	wmove(t->cmd, 0, plen + rl_point - start);
	wrefresh(t->cmd);
}

static void tui_draw(struct tui *t)
{
	static void (*const draw[TUI_PANES])(struct tui *, WINDOW *) = {
		tui_pane_regs,	  tui_pane_code,   tui_pane_trace,  tui_pane_pages,
		tui_pane_console, tui_pane_memory, tui_pane_output, tui_pane_vmcs,
	};
	for (int i = 0; i < TUI_PANES; i++) {
		if (!t->pane[i])
			continue;
		draw[i](t, t->pane[i]);
		wnoutrefresh(t->pane[i]);
	}
	doupdate();
	tui_redisplay();
}

/* Ctrl-C (raw mode: byte 3) while the guest runs stops it.  Any other
 * key typed meanwhile is kept, in order, for the prompt: a command typed
 * ahead during a long `continue` is run after it, never lost. */
static bool tui_interrupted(void *ctx)
{
	struct tui *t = ctx;
	bool stop = false;
	nodelay(t->cmd, TRUE);
	for (int ch; (ch = wgetch(t->cmd)) != ERR;) {
		if (ch == 3) {
			stop = true;
			break;
		}
		if (t->nahead < (int)(sizeof(t->ahead) / sizeof(t->ahead[0])))
			t->ahead[t->nahead++] = ch;
	}
	nodelay(t->cmd, FALSE);
	wtimeout(t->cmd, 100);
	return stop;
}

/* The next key: one typed ahead first, else from the terminal. */
static int tui_next_key(struct tui *t)
{
	if (t->ahead_at < t->nahead)
		return t->ahead[t->ahead_at++];
	t->nahead = t->ahead_at = 0;
	return wgetch(t->cmd);
}

/* PageUp / PageDown (readline sees their escape sequences): scroll the
 * Output pane through its history, a pane's height at a time. */
static int tui_page(int up)
{
	struct tui *t = tui_self;
	int rows = t->pane[TUI_OUTPUT] ? getmaxy(t->pane[TUI_OUTPUT]) - 3 : 10;
	t->out_back += up ? rows : -rows;
	if (t->out_back < 0)
		t->out_back = 0;
	tui_draw(t);
	return 0;
}

static int tui_page_up(int count, int key)
{
	(void)count;
	(void)key;
	return tui_page(1);
}

static int tui_page_down(int count, int key)
{
	(void)count;
	(void)key;
	return tui_page(0);
}

/* Commands that choose what a pane shows, noticed on their way through
 * (split as dbg_exec splits them, so a long line is never cut here). */
static void tui_note_selection(struct tui *t, const char *line)
{
	char *argv[DBG_MAX_ARGS + 1], *buf = strdup(line);
	uint32_t a;
	if (!buf)
		return;
	if (dbg_split_line(buf, argv, DBG_MAX_ARGS) >= 2 && !dbg_parse_addr(t->d, argv[1], &a)) {
		const char *name = argv[0];
		if (!strcmp(name, "walk") || !strcmp(name, "dot")) {
			t->have_sel = true;
			t->sel_va = a;
		} else if (name[0] == 'x' && (name[1] == 0 || name[1] == '/')) {
			t->have_mem = true;
			t->mem_addr = a & ~3u;
		}
	}
	free(buf);
}

static void tui_line(char *line)
{
	struct tui *t = tui_self;
	if (!line) { /* Ctrl-D on an empty line */
		t->d->quit = true;
		return;
	}
	if (*line) {
		add_history(line);
		free(t->last);
		t->last = strdup(line);
	} else if (t->last) { /* Enter alone: again, as in gdb */
		free(line);
		line = strdup(t->last);
		if (!line)
			return;
	}
	t->out_back = 0; /* a new command: back to the newest output */
	tui_append_out(t, "(tv) ");
	tui_append_out(t, line);
	tui_append_out(t, "\n");
	tui_note_selection(t, line);
	tui_draw(t); /* show the command while a long `continue` runs */
	char *text = tui_capture(t, line);
	if (text) {
		tui_append_out(t, text);
		free(text);
	}
	free(line);
	t->dirty = true;
}

static int tui_getc(FILE *f)
{
	(void)f;
	tui_key_ready = false;
	return tui_key;
}

static int tui_input_available(void)
{
	return tui_key_ready;
}

static void tui_prep(int meta)
{
	(void)meta;
}

static void tui_deprep(void) {}

/* Tab completion: command names first on the line, symbols after. */
static char *tui_complete_gen(const char *text, int state)
{
	static size_t i, len;
	static bool cmds;
	const struct elf_image *img = tui_self->d->t.ops->elf(&tui_self->d->t);
	if (!state) {
		i = 0;
		len = strlen(text);
		cmds = rl_point == (int)len; /* the first word */
	}
	if (cmds) {
		while (dbg_commands[i].name)
			if (!strncmp(dbg_commands[i++].name, text, len))
				return strdup(dbg_commands[i - 1].name);
		return NULL;
	}
	while (i < img->nsyms)
		if (!strncmp(img->syms[i++].name, text, len))
			return strdup(img->syms[i - 1].name);
	return NULL;
}

static char **tui_complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1; /* no file names */
	return rl_completion_matches(text, tui_complete_gen);
}

/* Several matches: list them in the Output pane, not on the terminal. */
static void tui_show_matches(char **matches, int n, int longest)
{
	(void)longest;
	struct tui *t = tui_self;
	for (int i = 1; i <= n && i <= 60; i++) {
		tui_append_out(t, matches[i]);
		tui_append_out(t, i % 6 == 0 || i == n ? "\n" : "  ");
	}
	tui_draw(t);
}

/* Has the terminal changed size?  (Checked directly: simpler and surer
 * than depending on SIGWINCH reaching curses through readline.) */
static bool tui_resized(struct tui *t)
{
	struct winsize ws;
	if (ioctl(1, TIOCGWINSZ, &ws) || (ws.ws_row == t->rows && ws.ws_col == t->cols))
		return false;
	resizeterm(ws.ws_row, ws.ws_col);
	return true;
}

int viz_tui_run(struct dbg *d, struct viz_console *con)
{
	struct tui t = { .d = d, .con = con };
	tui_self = &t;
	FILE *devnull = fopen("/dev/null", "w");

	initscr();
	raw();
	noecho();
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(TUI_RED, COLOR_RED, -1);
		init_pair(TUI_TITLE, COLOR_CYAN, -1);
	}
	refresh();
	tui_layout(&t);

	/* Readline: ours to feed, never to touch the terminal. */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = tui_prep;
	rl_deprep_term_function = tui_deprep;
	rl_getc_function = tui_getc;
	rl_input_available_hook = tui_input_available;
	rl_redisplay_function = tui_redisplay;
	rl_attempted_completion_function = tui_complete;
	rl_completion_display_matches_hook = tui_show_matches;
	if (devnull)
		rl_outstream = devnull;
	rl_callback_handler_install("(tv) ", tui_line);
	rl_bind_keyseq("\033[5~", tui_page_up);
	rl_bind_keyseq("\033[6~", tui_page_down);

	d->interrupted = tui_interrupted;
	d->interrupted_ctx = &t;
	tui_append_out(&t, "trapvisor debugger: type help; Enter repeats; Ctrl-C stops a run\n");
	dbg_exec(d, ""); /* nothing, but keeps the engine's state fresh */
	tui_draw(&t);
	while (!d->quit) {
		int ch = tui_next_key(&t);
		if (tui_resized(&t)) {
			clear();
			refresh();
			tui_layout(&t);
			tui_draw(&t);
		}
		if (ch == ERR)
			continue;
		if (ch == KEY_RESIZE)
			continue;
		if (ch == 20) { /* Ctrl-T: the Page tables pane's next view */
			t.pages_view = (t.pages_view + 1) % 3;
			tui_draw(&t);
			continue;
		}
		if (ch == 3) { /* Ctrl-C at the prompt: clear the line */
			rl_replace_line("", 0);
			rl_point = 0;
			tui_redisplay();
			continue;
		}
		tui_key = ch;
		tui_key_ready = true;
		rl_callback_read_char();
		if (t.dirty && !d->quit) {
			t.dirty = false;
			tui_draw(&t);
		}
	}
	rl_callback_handler_remove();
	d->interrupted = NULL;
	for (int i = 0; i < TUI_PANES; i++)
		delwin(t.pane[i]);
	delwin(t.cmd);
	endwin();
	if (devnull)
		fclose(devnull);
	free(t.out);
	free(t.last);
	int code = 0;
	d->t.ops->halted(&d->t, &code);
	return code;
}
