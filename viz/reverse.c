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
 * So "go back K steps" is: find the machine as it was at an earlier
 * position, and run it forward to position now-K, making the recorded
 * edits on the way.  The state found there is, bit for bit, the state the
 * guest had when it first passed that position (tests/viz/reverse_test.c
 * checks registers, pc, CSRs and a hash of memory against plain forward
 * stepping).
 *
 * "The machine as it was" is a *checkpoint*: while the guest goes forward,
 * the debugger keeps the monitor's snapshot (core/state.h, the same bytes
 * `snapshot save` writes) in memory every DBG_CKPT_EVERY positions --
 * 32 of them at most; when they are all used, every other one goes and
 * the distance doubles, so they always cover the whole history.  Going
 * back restores the last checkpoint at or before the target and runs
 * forward from there: the cost is at most one interval, not the whole
 * run.  The entry (opening the ELF again) is the checkpoint of last
 * resort, and the only one for a machine a snapshot cannot hold yet (the
 * DMA engine), or whose disks, network or trace file live
 * outside it.
 *
 * A checkpoint at position P holds every edit made at or before P: an
 * edit made at P drops the checkpoints from P on, and an edit forgotten
 * (history rewritten after going back) drops those it reached.
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

/* Put `fresh` in the place of the target, and keep inspecting the same
 * VM (vm0 if it has no such VM). */
static void dbg_take_target(struct dbg *d, const struct viz_target *fresh)
{
	int vm = d->t.vm;
	if (d->t.ops)
		viz_close(&d->t);
	d->t = *fresh;
	if (vm && d->t.ops->select_vm(&d->t, vm))
		d->t.ops->select_vm(&d->t, 0);
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
	dbg_take_target(d, &fresh);
	return 0;
}

void dbg_checkpoints_drop(struct dbg *d, uint64_t from)
{
	while (d->nckpt && d->ckpt[d->nckpt - 1].pos >= from)
		sbuf_free(&d->ckpt[--d->nckpt].snap);
}

void dbg_edits_forget(struct dbg *d, uint64_t pos)
{
	uint64_t first = UINT64_MAX; /* the earliest edit forgotten */
	while (d->nedits && d->edits[d->nedits - 1].pos >= pos) {
		first = d->edits[d->nedits - 1].pos;
		free(d->edits[--d->nedits].data);
	}
	dbg_checkpoints_drop(d, first);
}

/* Can this machine be checkpointed?  Not if part of its state lives
 * outside a snapshot's reach: disk files and the network change under
 * it, and the trace file is written from the entry on. */
static bool dbg_checkpointable(const struct dbg *d)
{
	if (d->cfg.trace_path || !d->t.ops->checkpoint)
		return false;
	for (int i = 0; i < d->cfg.nguests; i++)
		if (d->cfg.guest[i].ndisks || d->cfg.guest[i].net)
			return false;
	return true;
}

void dbg_checkpoint_tick(struct dbg *d)
{
	if (d->ckpt_off || d->t.end != VIZ_RUNNING)
		return; /* before the position: this runs after every step */
	uint64_t every = d->ckpt_every ? d->ckpt_every : DBG_CKPT_EVERY;
	uint64_t now = dbg_position(d);
	uint64_t last = d->nckpt ? d->ckpt[d->nckpt - 1].pos : 0;
	if (now < last + every)
		return;
	if (!dbg_checkpointable(d)) {
		d->ckpt_off = true;
		return;
	}
	if (d->nckpt == DBG_MAX_CKPTS) {
		/* Keep every other one (the 2nd, 4th, ...) and space the next
		 * ones twice as far apart. */
		int n = 0;
		for (int i = 0; i < d->nckpt; i++) {
			if (i % 2 == 0)
				sbuf_free(&d->ckpt[i].snap);
			else
				d->ckpt[n++] = d->ckpt[i];
		}
		d->nckpt = n;
		d->ckpt_every = 2 * every;
	}
	struct dbg_ckpt *c = &d->ckpt[d->nckpt];
	*c = (struct dbg_ckpt){ .pos = now, .con_seen = d->con_seen };
	if (d->t.ops->checkpoint(&d->t, &c->snap, &c->clock) || c->snap.bad) {
		sbuf_free(&c->snap);
		d->ckpt_off = true; /* a device a snapshot cannot hold: never mind */
		return;
	}
	d->nckpt++;
}

/* The last checkpoint at or before `pos`, or -1 for none (the entry). */
static int dbg_checkpoint_before(const struct dbg *d, uint64_t pos)
{
	int k = d->nckpt - 1;
	while (k >= 0 && d->ckpt[k].pos > pos)
		k--;
	return k;
}

/* The machine as checkpoint k (-1: the entry) holds it.  0; 1 if it had
 * to be the entry after all (the checkpoints are then forgotten); -1
 * after a message. */
static int dbg_reopen_at(struct dbg *d, int k)
{
	if (k < 0)
		return dbg_reopen(d);
	struct viz_target fresh = {
		.ops = d->t.ops, .end = VIZ_RUNNING, .console = dbg_console_tap, .console_ctx = d
	};
	if (d->t.ops->restore(&fresh, &d->t, &d->ckpt[k].snap, &d->ckpt[k].clock)) {
		dbg_checkpoints_drop(d, 0); /* cannot be used: forget them */
		d->ckpt_off = true;
		return dbg_reopen(d) ? -1 : 1;
	}
	dbg_take_target(d, &fresh);
	d->con_seen = d->ckpt[k].con_seen;
	return 0;
}

/* The first edit made after position `pos` (those before are in a
 * checkpoint at pos). */
static size_t dbg_edit_after(const struct dbg *d, uint64_t pos)
{
	size_t i = 0;
	while (i < d->nedits && d->edits[i].pos <= pos)
		i++;
	return i;
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
	dbg_checkpoints_drop(d, e->pos); /* they do not hold this change */
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

/* Run the (freshly opened or restored) target forward to position `pos`,
 * making the recorded edits from number `next` on at their points. */
static void dbg_run_to(struct dbg *d, uint64_t pos, size_t next)
{
	const struct viz_ops *ops = d->t.ops;
	for (;;) {
		dbg_redo_edits(d, &next);
		dbg_checkpoint_tick(d);
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

/* The state of the guest at position `pos` of its history (<= now),
 * keeping the edits made after it (the history is only being looked at). */
static int dbg_goto(struct dbg *d, uint64_t pos)
{
	int k = dbg_checkpoint_before(d, pos);
	int rc = dbg_reopen_at(d, k);
	if (rc < 0)
		return -1;
	dbg_run_to(d, pos, k < 0 || rc ? 0 : dbg_edit_after(d, d->ckpt[k].pos));
	/* Watchpoints compare against the value at the new point in time. */
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (d->watch[i].used)
			viz_read_phys(&d->t, d->watch[i].gpa, &d->watch[i].old, 4);
	return 0;
}

/* Go back to position `pos` for good: what happened after it is no
 * longer history (its edits forgotten). */
static int dbg_travel(struct dbg *d, uint64_t pos)
{
	dbg_edits_forget(d, pos + 1);
	return dbg_goto(d, pos);
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
	/* Search the history backwards an interval at a time: from the last
	 * checkpoint before `end`, run forward to `end` a step at a time,
	 * noting the last breakpoint or watchpoint hit before now; none
	 * there, the interval before.  The entry ends the search. */
	uint64_t end = now;
	for (;;) {
		int k = end ? dbg_checkpoint_before(d, end - 1) : -1;
		uint64_t start = k < 0 ? 0 : d->ckpt[k].pos;
		if (dbg_goto(d, start))
			return -1;
		size_t next_edit = dbg_edit_after(d, start);
		while (ops->progress(&d->t) < end) {
			uint64_t traps = ops->trap_count(&d->t);
			dbg_redo_edits(d, &next_edit);
			if (d->catch_action[0] || d->catch_count || dbg_watching_access(d))
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
		if (found || start == 0)
			break;
		end = start;
	}
	memcpy(d->brk, saved, sizeof(saved));
	if (dbg_travel(d, found ? hit : 0))
		return -1;
	if (found)
		snprintf(d->stop_text, sizeof(d->stop_text), "%s", text);
	return d->last_stop = why;
}
