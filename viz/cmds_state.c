/*
 * cmds_state.c -- the debugger's `snapshot save FILE`: the state of the
 * machine being debugged, as `trapvisor run --suspend-at` writes it
 * (core/state.h), so `trapvisor resume FILE` goes on from this stop.
 */
#include <string.h>

#include "core/state.h"
#include "isa-toy/machine.h"
#include "viz/cmds.h"

int dbg_cmd_snapshot(struct dbg *d, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "save")) {
		fprintf(d->out, "usage: snapshot save FILE\n");
		return -1;
	}
	struct viz_target *t = &d->t;
	if (t->mon ? state_check_savable(t->mon) : state_check_platform(&t->m->plat))
		return -1;
	/* The bytes of a checkpoint (viz/reverse.c keeps them in memory),
	 * written to a file. */
	struct sbuf b = { 0 };
	struct viz_clock clock;
	int rc = t->ops->checkpoint(t, &b, &clock) || b.bad;
	if (rc)
		fprintf(d->out, "snapshot: out of memory\n");
	else
		rc = state_write_file(&b, argv[2]);
	sbuf_free(&b);
	if (rc)
		return -1;
	fprintf(d->out, "state saved in %s (trapvisor resume %s)\n", argv[2], argv[2]);
	return 0;
}
