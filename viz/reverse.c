/*
 * reverse.c -- running the guest backwards: `restart`, `reverse-stepi`,
 * `reverse-continue`, and GDB's bs/bc packets (dbg.h).
 *
 * A real CPU cannot run backwards, and neither can ours.  What makes going
 * back possible is that the machine is *deterministic*: given the same
 * guest, the same options and the same inputs, it passes through exactly
 * the same states.  The debugger gives its guest no console input, the
 * monitor's P->R map is scattered by a fixed seed, and virtual time is
 * counted in instructions, so the only things that are not already fixed
 * are the changes the user makes by hand (a register or memory written
 * from GDB).  Those are recorded with the point in time they were made
 * (struct dbg_edit) and made again at that point.
 *
 * So "go back K steps" is: open the guest again from its ELF, run it
 * forward to position now-K, making the recorded edits on the way.  The
 * state found there is, bit for bit, the state the guest had when it
 * first passed that position (tests/viz/reverse_test.c checks registers,
 * pc, CSRs and a hash of memory against plain forward stepping).
 *
 * The price is time: going back costs a run from the entry.  A debugger
 * for long runs would keep periodic snapshots and run forward from the
 * nearest one (the monitor's snapshots, core/state.c, are the way to
 * there); the teaching guests run in milliseconds, so here the entry is
 * the only checkpoint.
 *
 * What the user sees follows the travel: registers, memory, the trace
 * pane (the trace of the new execution) and watchpoints' old values.  The
 * console is the one exception: what the guest printed stays printed (as
 * on a real terminal), and a re-execution prints only bytes it has not
 * shown before.
 */
#include <stdlib.h>
#include <string.h>

#include "viz/cli.h"
#include "viz/cmds.h"

/* The console tap: count every byte the guest prints in this execution,
 * pass on only those beyond what the user has already seen. */
static void dbg_console_tap(void *ctx, uint8_t byte)
{
	struct dbg *d = ctx;
	if (d->con_seen++ < d->con_shown)
		return; /* printed before we went back: shown already */
	d->con_shown++;
	if (d->console)
		d->console(d->console_ctx, byte);
	else
		fputc(byte, stdout);
}

uint64_t dbg_position(const struct dbg *d)
{
	return d->t.ops->progress(&d->t);
}

int dbg_reopen(struct dbg *d)
{
	struct viz_target fresh = { .console = dbg_console_tap, .console_ctx = d };
	uint64_t seen = d->con_seen;
	d->con_seen = 0; /* the new execution starts printing from byte 0 */
	if (viz_open(&fresh, &d->cfg)) {
		d->con_seen = seen;
		return -1;
	}
	int vm = d->t.vm;
	if (d->t.ops)
		viz_close(&d->t);
	d->t = fresh;
	if (vm && d->t.ops->select_vm(&d->t, vm))
		d->t.ops->select_vm(&d->t, 0);
	return 0;
}

void dbg_edits_forget(struct dbg *d, uint64_t pos)
{
	while (d->nedits && d->edits[d->nedits - 1].pos >= pos)
		free(d->edits[--d->nedits].data);
}

void dbg_edit_record(struct dbg *d, int reg, uint32_t addr, const void *data, uint32_t len)
{
	if (d->nedits == d->edits_cap) {
		size_t cap = d->edits_cap ? 2 * d->edits_cap : 16;
		struct dbg_edit *e = realloc(d->edits, cap * sizeof(*e));
		if (!e)
			goto lost;
		d->edits = e;
		d->edits_cap = cap;
	}
	struct dbg_edit *e = &d->edits[d->nedits];
	*e = (struct dbg_edit){ dbg_position(d), reg, addr, len, NULL };
	if (len && !(e->data = malloc(len)))
		goto lost;
	if (len)
		memcpy(e->data, data, len);
	d->nedits++;
	return;
lost:
	fprintf(d->out, "warning: out of memory: going back will not repeat this change\n");
}

void dbg_set_reg(struct dbg *d, unsigned r, uint32_t v)
{
	d->t.ops->set_reg(&d->t, r, v);
	dbg_edit_record(d, (int)r, v, NULL, 0);
}

/* Make again the recorded edits from number *next on that were made at
 * or before the current position. */
static void dbg_redo_edits(struct dbg *d, size_t *next)
{
	uint64_t now = dbg_position(d);
	while (*next < d->nedits && d->edits[*next].pos <= now) {
		const struct dbg_edit *e = &d->edits[(*next)++];
		if (e->reg < 0)
			dbg_write_virt_now(d, e->addr, e->data, e->len);
		else
			d->t.ops->set_reg(&d->t, (unsigned)e->reg, e->addr);
	}
}

/* Run the (freshly opened) target forward to position `pos`, making the
 * recorded edits at their points. */
static void dbg_run_to(struct dbg *d, uint64_t pos)
{
	const struct viz_ops *ops = d->t.ops;
	size_t next = 0;
	for (;;) {
		dbg_redo_edits(d, &next);
		uint64_t now = ops->progress(&d->t);
		if (now >= pos)
			break;
		uint64_t until =
		    next < d->nedits && d->edits[next].pos < pos ? d->edits[next].pos : pos;
		d->t.end = ops->run(&d->t, until - now);
		if (d->t.end != VIZ_RUNNING)
			break;
	}
}

/* The state of the guest at position `pos` of its history (<= now). */
static int dbg_travel(struct dbg *d, uint64_t pos)
{
	if (dbg_reopen(d))
		return -1;
	dbg_edits_forget(d, pos + 1); /* edits after pos are no longer history */
	dbg_run_to(d, pos);
	/* Watchpoints compare against the value at the new point in time. */
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (d->watch[i].used)
			viz_read_phys(&d->t, d->watch[i].gpa, &d->watch[i].old, 4);
	return 0;
}

int dbg_restart(struct dbg *d)
{
	dbg_mark_before(d);
	dbg_edits_forget(d, 0);
	if (dbg_reopen(d))
		return -1;
	d->con_shown = 0; /* a new run from the start: its console again too */
	d->t.end = VIZ_RUNNING;
	return d->last_stop = DBG_STOP_BEGIN;
}

int dbg_reverse_step(struct dbg *d, uint64_t steps)
{
	uint64_t now = dbg_position(d);
	dbg_mark_before(d);
	if (dbg_travel(d, steps >= now ? 0 : now - steps))
		return -1;
	return d->last_stop = steps >= now ? DBG_STOP_BEGIN : DBG_STOP_STEPS;
}

int dbg_reverse_continue(struct dbg *d)
{
	const struct viz_ops *ops = d->t.ops;
	uint64_t now = dbg_position(d), hit = 0;
	bool found = false;
	enum dbg_stop why = DBG_STOP_BEGIN;
	char text[sizeof(d->stop_text)];
	/* Temporary breakpoints must survive the search (it only looks). */
	struct dbg_break saved[DBG_MAX_BREAKS];
	memcpy(saved, d->brk, sizeof(saved));

	dbg_mark_before(d);
	/* Run the history forward once, a step at a time, noting the last
	 * breakpoint or watchpoint hit before now. */
	if (dbg_travel(d, 0))
		return -1;
	size_t next_edit = 0;
	while (ops->progress(&d->t) < now) {
		uint64_t traps = ops->trap_count(&d->t);
		dbg_redo_edits(d, &next_edit);
		if (dbg_watching_access(d))
			dbg_step_begin(d);
		d->t.end = ops->run(&d->t, 1);
		if (ops->progress(&d->t) < now && dbg_check(d, traps) &&
		    d->last_stop != DBG_STOP_CATCH) {
			hit = ops->progress(&d->t);
			found = true;
			why = d->last_stop;
			snprintf(text, sizeof(text), "%s", d->stop_text);
		}
		if (d->t.end != VIZ_RUNNING)
			break;
	}
	memcpy(d->brk, saved, sizeof(saved));
	if (dbg_travel(d, found ? hit : 0))
		return -1;
	if (found)
		snprintf(d->stop_text, sizeof(d->stop_text), "%s", text);
	return d->last_stop = why;
}
