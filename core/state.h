/*
 * state.h -- a VM's state as bytes: suspend and resume (docs/state.md).
 *
 * A snapshot holds what *is* the machine: each vCPU's registers and
 * privileged state (with its virtual time, which is its instruction
 * count), each device's registers, guest RAM (pages never written are
 * left out), and the run's options needed to go on (mode, paging, ISA,
 * RAM sizes, --max-insns).  It holds no caches: shadow page tables, the
 * hart's TLB, predecoded pages and bt's rewritten copies are rebuilt on
 * demand after a resume, as after any flush.
 *
 * The format: a header (magic "TRVSNAP", version, section count), then
 * sections, each a tag, the VM it belongs to, its length and the CRC32
 * of its bytes.  A loader checks every section before it builds
 * anything, and builds a *new* monitor: a bad snapshot never leaves a
 * half-restored VM behind.
 */
#ifndef CORE_STATE_H
#define CORE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/monitor.h"
#include "devices/statebuf.h"

#define STATE_VERSION 1

/* The run's options a snapshot carries besides the machine. */
struct state_run {
	enum mon_kind kind;
	enum mon_paging paging;
	bool legacy;
	uint64_t max_insns; /* --max-insns of the run, 0 = none */
};

/* Can `mon` be saved?  0, or -1 after one line on stderr naming what a
 * snapshot cannot hold yet (several VMs, disks, the network, DMA). */
int state_check_savable(const struct monitor *mon);

/* Append the snapshot of every VM of `mon` to `out` (a writer): 0, or
 * -1 if out of memory.  The in-memory form, for periodic snapshots. */
int state_save_mem(struct monitor *mon, const struct state_run *run, struct sbuf *out);

/* state_save_mem into file `path` (written whole, then renamed over the
 * old one): 0, or -1 after one line on stderr. */
int state_save(struct monitor *mon, const struct state_run *run, const char *path);

/* Check the snapshot in `buf` and build a new monitor from it, its VMs'
 * console input on `input_fd` (VM 0; -1 none) and *run filled in.  The
 * monitor, or NULL with the reason in err (one line, no newline). */
struct monitor *state_load_mem(const void *buf, size_t len, int input_fd, struct state_run *run,
			       char *err, size_t errlen);

/* state_load_mem on file `path`: NULL after one line on stderr. */
struct monitor *state_load(const char *path, int input_fd, struct state_run *run);

/* Free a monitor built by state_load (monitor_destroy and free). */
void state_free(struct monitor *mon);

#endif
