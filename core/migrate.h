/*
 * migrate.h -- live migration, pre-copy (docs/state.md): the source sends
 * guest RAM in rounds while the guest keeps running between them, each
 * round the pages changed since the one before, then stops the VM for a
 * short stop-and-copy of what is left and of the rest of its state (a
 * snapshot, core/state.h); the destination builds the VM from all that
 * and runs it on.  Loopback TCP only.
 */
#ifndef CORE_MIGRATE_H
#define CORE_MIGRATE_H

#include <netinet/in.h>
#include <stdint.h>

#include "core/state.h"

#define MIGRATE_MAX_ROUNDS  12	       /* then stop-and-copy, converged or not */
#define MIGRATE_ROUND_INSNS 1000000u   /* guest progress between two rounds */
#define MIGRATE_ROUND_BYTES (1u << 20) /* page bytes a round may send */
#define MIGRATE_STOP_PAGES  64	       /* few enough to stop and copy */

/* HOST:PORT of --migrate-to and --incoming: a loopback IPv4 address
 * (127.x.x.x) and a port (0 for --incoming: any free one).  0, or -1
 * after one line naming `opt`. */
int migrate_parse_addr(const char *s, struct sockaddr_in *a, const char *opt);

/* The source, with the VMs of `mon` stopped (mon->stop_at) where the
 * migration starts: connect to `to`, send rounds (running the guest
 * between them), stop and copy, wait for the destination's word.
 * Returns 0 migrated (the VMs now run there; print nothing more), 1 not
 * migrated (said why; the VMs are intact and go on here), or 2 the guest
 * ended (or --max-insns stopped it) during the rounds: *end says how, as
 * monitor_run.  A report of the rounds goes to stderr. */
int migrate_send(struct monitor *mon, const struct state_run *run, const struct sockaddr_in *to,
		 int *end);

/* The destination: listen at `at`, take one migration, build its VMs
 * (console input on `input_fd`) into *l.  0, or -1 after one line. */
int migrate_receive(const struct sockaddr_in *at, int input_fd, struct state_loaded *l);

#endif
