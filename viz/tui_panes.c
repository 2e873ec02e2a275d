/*
 * tui_panes.c -- what each pane of the curses debugger shows.  Every
 * pane is a *view*: it reads the target through the inspection layer or
 * prints a command's output (the same text `--batch` prints), so what a
 * student sees on screen and in a script never disagree.
 */
#define _GNU_SOURCE /* memmem */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "viz/cmds.h"
#include "viz/tui_int.h"

/* Draw `text` line by line into w's inside (below the border), clipped;
 * `tail`: its last lines rather than its first.  Lines starting "=>" are
 * the current one (reverse video); lines with "DIFF" or "!" stand out. */
void tui_put_lines(WINDOW *w, const char *text, bool tail)
{
	tui_put_lines_back(w, text, tail ? 0 : -1);
}

/* The lines of `text` in the pane: the last ones but `back` (-1: the
 * first ones). */
void tui_put_lines_back(WINDOW *w, const char *text, int back)
{
	int h, wd;
	getmaxyx(w, h, wd);
	int rows = h - 2, cols = wd - 2, n = 0;
	if (rows <= 0 || cols <= 0)
		return;
	/* Count lines to find where to start. */
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	if (*text && text[strlen(text) - 1] != '\n')
		n++;
	int skip = back >= 0 && n > rows ? n - rows - back : 0;
	if (skip < 0)
		skip = 0;
	const char *p = text;
	for (int i = 0; *p && i < skip; i++) {
		const char *e = strchr(p, '\n');
		p = e ? e + 1 : p + strlen(p);
	}
	for (int y = 0; *p && y < rows; y++) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		attr_t a = A_NORMAL;
		if (len >= 2 && p[0] == '=' && p[1] == '>')
			a = A_REVERSE;
		else if (memmem(p, (size_t)len, "DIFF", 4) || (len && p[0] == '!'))
			a = A_BOLD | (has_colors() ? COLOR_PAIR(TUI_RED) : 0);
		wattron(w, a);
		mvwaddnstr(w, 1 + y, 1, p, len < cols ? len : cols);
		wattroff(w, a);
		p = e ? e + 1 : p + len;
	}
}

/* Run a command and return what it printed (caller frees). */
char *tui_capture(struct tui *t, const char *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	FILE *old = t->d->out;
	t->d->out = f;
	dbg_exec(t->d, cmd);
	t->d->out = old;
	fclose(f);
	return buf;
}

/* ASCII borders: they survive every terminal, tmux capture and copy. */
static void tui_title(WINDOW *w, const char *title)
{
	wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	int room = getmaxx(w) - 6; /* clipped: a long title must not wrap */
	if (room <= 0)
		return;
	wattron(w, A_BOLD);
	mvwprintw(w, 0, 2, " %.*s ", room, title);
	wattroff(w, A_BOLD);
}

/* A value, highlighted when it changed in the last step. */
static void tui_val(WINDOW *w, uint32_t now, uint32_t before)
{
	attr_t a = now != before ? (A_BOLD | (has_colors() ? COLOR_PAIR(TUI_RED) : A_REVERSE)) : 0;
	wattron(w, a);
	wprintw(w, "%08x", now);
	wattroff(w, a);
}

/* Registers, packed: the pc and modes, the CSRs of the real hart beside
 * the vCPU's virtual ones ("hart|vCPU"), then x1..x31. */
#define TUI_CSR_W 27 /* "sstatus  00000000|00000020 " */
#define TUI_REG_W 14 /* "ra   00000000 " */

static int tui_per_row(int cols, int w)
{
	int n = (cols - 2) / w;
	return n < 1 ? 1 : n;
}

int tui_regs_height(const struct tui *t, int cols)
{
	(void)t;
	int csr = (6 + tui_per_row(cols, TUI_CSR_W) - 1) / tui_per_row(cols, TUI_CSR_W);
	int regs = (31 + tui_per_row(cols, TUI_REG_W) - 1) / tui_per_row(cols, TUI_REG_W);
	return 2 + 1 + csr + regs;
}

void tui_pane_regs(struct tui *t, WINDOW *w)
{
	struct dbg *d = t->d;
	const struct viz_ops *ops = d->t.ops;
	const struct csr_file *h = &ops->hart(&d->t)->csr, *g = ops->guest_csr(&d->t);
	uint32_t x[32], pc;
	int rows, cols, y = 1;
	char sym[64];

	werase(w);
	tui_title(w, ops->monitor ? "Registers: CSRs hart (real)|vCPU (virtual)"
				  : "Registers (bare board)");
	getmaxyx(w, rows, cols);
	ops->guest_regs(&d->t, x, &pc);
	mvwprintw(w, y, 1, "pc ");
	tui_val(w, pc, d->prev_pc);
	const struct vm *vm = ops->monitor ? d->t.mon->vm[d->t.vm] : NULL;
	if (vm && vm->vt) /* TVT: the guest runs in its own (non-root) mode */
		wprintw(w, " %-24.24s mode: guest %s, non-root (TVT)",
			dbg_symbolize(d, pc, sym, sizeof(sym)), g->priv == PRIV_S ? "S" : "U");
	else
		wprintw(w, " %-24.24s mode: hart %s, guest %s%s",
			dbg_symbolize(d, pc, sym, sizeof(sym)), h->priv == PRIV_S ? "S" : "U",
			g->priv == PRIV_S ? "S" : "U",
			ops->monitor && h->priv != g->priv ? " (deprivileged)" : "");
	y++;
	static const char *const names[] = {
		"sstatus", "satp", "sepc", "scause", "stval", "stvec"
	};
	const uint32_t hv[] = { h->sstatus, h->satp, h->sepc, h->scause, h->stval, h->stvec };
	const uint32_t gv[] = { g->sstatus, g->satp, g->sepc, g->scause, g->stval, g->stvec };
	const struct csr_file *ph = &d->prev_hw, *pg = &d->prev_guest;
	const uint32_t phv[] = {
		ph->sstatus, ph->satp, ph->sepc, ph->scause, ph->stval, ph->stvec
	};
	const uint32_t pgv[] = {
		pg->sstatus, pg->satp, pg->sepc, pg->scause, pg->stval, pg->stvec
	};
	int per = tui_per_row(cols, TUI_CSR_W);
	for (int i = 0; i < 6 && y < rows - 1; y++)
		for (int c = 0; c < per && i < 6; c++, i++) {
			mvwprintw(w, y, 1 + c * TUI_CSR_W, "%-8s ", names[i]);
			tui_val(w, hv[i], phv[i]);
			if (ops->monitor) {
				waddch(w, '|');
				tui_val(w, gv[i], pgv[i]);
			}
		}
	per = tui_per_row(cols, TUI_REG_W);
	for (int r = 1; r < 32 && y < rows - 1; y++)
		for (int c = 0; c < per && r < 32; c++, r++) {
			mvwprintw(w, y, 1 + c * TUI_REG_W, "%-4s ", dbg_reg_name((unsigned)r));
			tui_val(w, x[r], d->prev_x[r]);
		}
}

/* Code: the C (or assembler) source around the pc's line, when the ELF
 * has line tables (viz/source.c), above the disassembly around the pc;
 * "=>" the pc and its line, "*" a breakpoint. */
void tui_pane_code(struct tui *t, WINDOW *w)
{
	struct dbg *d = t->d;
	int rows, cols;
	char *buf = NULL, sym[64], insn[64], text[256], title[128] = "Code";
	size_t len = 0;
	const char *file;
	int line;
	getmaxyx(w, rows, cols);
	(void)cols;
	uint32_t pc = viz_pc(&d->t);
	int body = rows - 2, src = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	if (body >= 2 && dbg_source_at(d, pc, &file, &line)) {
		const char *base = strrchr(file, '/');
		snprintf(title, sizeof(title), "Code: %s:%d", base ? base + 1 : file, line);
		/* Half the pane (the line before the pc's at least). */
		src = body / 2;
		for (int i = 0, l = line - src / 2; i < src; i++, l++) {
			if (l < 1 || !viz_src_text(file, l, text, sizeof(text)))
				text[0] = 0;
			fprintf(f, "%s%5d %s\n", l == line ? "=>" : "  ", l > 0 ? l : 0, text);
		}
	}
	uint32_t start = pc - 4u * (uint32_t)((body - src) / 3);
	for (int i = 0; i < body - src; i++) {
		uint32_t a = start + 4u * (uint32_t)i;
		fprintf(f, "%s%c%08x %-13.13s %s\n", a == pc ? "=>" : "  ",
			dbg_break_at(d, a) ? '*' : ' ', a, dbg_symbolize(d, a, sym, sizeof(sym)),
			dbg_disasm_at(d, a, insn, sizeof(insn)));
	}
	fclose(f);
	werase(w);
	tui_title(w, title);
	tui_put_lines(w, buf, false);
	free(buf);
}

/* Trap trace: the newest events matching the filter, newest last. */
void tui_pane_trace(struct tui *t, WINDOW *w)
{
	char title[96], *text;
	werase(w);
	snprintf(title, sizeof(title), "Trap trace%s%s", t->d->trace_filter[0] ? " filter: " : "",
		 t->d->trace_filter);
	tui_title(w, title);
	if (!t->d->t.ops->trace(&t->d->t)) {
		tui_put_lines(w, "(bare board: no monitor, no trace)\n", false);
		return;
	}
	int rows = getmaxy(w);
	char cmd[32];
	snprintf(cmd, sizeof(cmd), "trace %d", rows > 3 ? rows - 3 : 1);
	text = tui_capture(t, cmd);
	if (text) {
		/* Drop the "(N of M events)" footer: the title says enough. */
		char *foot = strrchr(text, '(');
		if (foot && foot > text && foot[-1] == '\n')
			*foot = 0;
		tui_put_lines(w, text, true);
	}
	free(text);
}

/* Page tables: the walk of the selected address, step by step; without
 * one, the guest's mappings with what the shadow holds for each. */
/* The P->R map around the page the pc's P is in (Ctrl-T's third view). */
static void tui_pane_p2r(struct tui *t, WINDOW *w)
{
	struct sv32_walk wk;
	uint32_t x[32], pc;
	int rows = getmaxy(w);
	t->d->t.ops->guest_regs(&t->d->t, x, &pc);
	uint64_t p = viz_walk_guest(&t->d->t, pc, &wk) ? pc : wk.pa;
	p &= ~(uint64_t)0xfff;
	tui_title(w, "P->R map near the pc's P (Ctrl-T: page tables)");
	for (int y = 1; y < rows - 1; y++, p += 4096) {
		uint64_t ma;
		if (t->d->t.ops->p2r(&t->d->t, p, &ma))
			mvwprintw(w, y, 1, "P %08" PRIx64 " -> not RAM", p);
		else
			mvwprintw(w, y, 1, "P %08" PRIx64 " -> R %08" PRIx64, p, ma);
	}
}

void tui_pane_pages(struct tui *t, WINDOW *w)
{
	struct dbg *d = t->d;
	char cmd[64], *text = NULL;
	werase(w);
	if (t->pages_view == 2 && d->t.ops->monitor) {
		tui_pane_p2r(t, w);
		return;
	}
	if (t->pages_view == 1 && d->t.ops->monitor) {
		if (t->have_sel)
			snprintf(cmd, sizeof(cmd), "shadow 0x%x 64 brief", t->sel_va);
		else
			snprintf(cmd, sizeof(cmd), "shadow $pc 64 brief");
		tui_title(w, "Shadow beside guest (Ctrl-T: P->R)");
		text = tui_capture(t, cmd);
	} else if (t->have_sel) {
		snprintf(cmd, sizeof(cmd), "walk 0x%x", t->sel_va);
		tui_title(w, "Page tables: V -> P -> R, shadow V -> R");
		text = tui_capture(t, cmd);
	} else {
		tui_title(w, "Page tables: guest map (walk VA to select)");
		text = tui_capture(t, "map");
	}
	if (text)
		tui_put_lines(w, text, false);
	free(text);
	(void)d;
}

void tui_pane_console(struct tui *t, WINDOW *w)
{
	werase(w);
	tui_title(w, "Console");
	/* The console buffer is not NUL-terminated: copy its tail. */
	size_t n = t->con->len < 8192 ? t->con->len : 8192;
	char *s = malloc(n + 1);
	if (!s)
		return;
	memcpy(s, t->con->buf + t->con->len - n, n);
	s[n] = 0;
	tui_put_lines(w, s, true);
	free(s);
}

void tui_pane_memory(struct tui *t, WINDOW *w)
{
	char title[64];
	int rows = getmaxy(w), cols = getmaxx(w);
	int per = cols >= 48 ? 4 : cols >= 39 ? 3 : cols >= 30 ? 2 : 1;
	uint32_t x[32], pc, addr = t->mem_addr;
	if (!t->have_mem) {
		t->d->t.ops->guest_regs(&t->d->t, x, &pc);
		addr = x[2] & ~3u; /* the stack */
	}
	werase(w);
	snprintf(title, sizeof(title), "Memory at 0x%08x (V)", addr);
	tui_title(w, title);
	for (int y = 1; y < rows - 1; y++) {
		uint32_t a = addr + (uint32_t)((y - 1) * per * 4), v;
		mvwprintw(w, y, 1, "%08x:", a);
		for (int k = 0; k < per; k++)
			if (viz_read_virt(&t->d->t, a + 4u * (uint32_t)k, &v, 4))
				wprintw(w, " --------");
			else
				wprintw(w, " %08x", v);
	}
}

/* Output: what commands printed, newest last; PageUp/PageDown scroll
 * back through the history (the title says how far). */
void tui_pane_output(struct tui *t, WINDOW *w)
{
	char title[96];
	int rows = getmaxy(w) - 2, n = 0;
	for (const char *p = t->out; p && *p; p++)
		n += *p == '\n';
	if (t->out_back > n - rows)
		t->out_back = n - rows > 0 ? n - rows : 0;
	werase(w);
	if (t->out_back)
		snprintf(title, sizeof(title), "Output: %d lines back (PageDown: newer)",
			 t->out_back);
	else
		snprintf(title, sizeof(title), "Output");
	tui_title(w, title);
	if (t->out)
		tui_put_lines_back(w, t->out, t->out_back);
}

/* --mode=vt: the VMCS in brief, above the page tables (`info vmcs` has
 * it all): the paging, the exits by reason, and the last exit if there
 * is room. */
void tui_pane_vmcs(struct tui *t, WINDOW *w)
{
	const struct vm *vm = t->d->t.mon->vm[t->d->t.vm];
	const struct tvt_vmcs *v = &vm->vtx->vmcs;
	int rows = getmaxy(w), cols = getmaxx(w);
	werase(w);
	tui_title(w, "VMCS");
	if (v->ctl.stage2)
		mvwprintw(w, 1, 1, "vm%d nested: %" PRIu64 " stage-2 filled, %" PRIu64 " exits",
			  vm->id, vm->vtx->s2_fills, v->stats.exits);
	else
		mvwprintw(w, 1, 1, "vm%d shadow: guest satp %08x, %" PRIu64 " exits", vm->id,
			  vm->vtx->gsatp, v->stats.exits);
	/* Then the exits by reason, wrapped; the last exit below them if a
	 * row is left. */
	int y = 2;
	if (y < rows - 1)
		wmove(w, y, 1);
	for (int r = 0; r < TVT_EXIT_COUNT && y < rows - 1; r++) {
		if (!v->stats.by_reason[r])
			continue;
		char item[48];
		int n = snprintf(item, sizeof(item), "%s %" PRIu64 "  ",
				 tvt_exit_name((enum tvt_exit_reason)r), v->stats.by_reason[r]);
		if (getcurx(w) + n > cols - 1 && ++y < rows - 1)
			wmove(w, y, 1);
		if (y < rows - 1)
			waddstr(w, item);
	}
	if (v->stats.exits && ++y < rows - 1)
		mvwprintw(w, y, 1, "last %s at %08x", tvt_exit_name(v->exit.reason), v->exit.pc);
}
