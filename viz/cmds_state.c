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
	int rc;
	if (t->mon) {
		if (state_check_savable(t->mon))
			return -1;
		struct state_run run = { .kind = t->mon->kind,
					 .paging = t->mon->paging,
					 .legacy = t->mon->legacy };
		rc = state_save(t->mon, &run, argv[2]);
	} else {
		if (state_check_platform(&t->m->plat))
			return -1;
		struct state_run run = { .bare = true, .legacy = t->m->cfg.legacy };
		rc = state_save_machine(t->m, &run, argv[2]);
	}
	if (rc)
		return -1;
	fprintf(d->out, "state saved in %s (trapvisor resume %s)\n", argv[2], argv[2]);
	return 0;
}
