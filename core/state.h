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

#define STATE_VERSION 2 /* 2: a VM's balloon */

struct machine;

/* The run's options a snapshot carries besides the machine. */
struct state_run {
	bool bare;		/* --mode=bare: a struct machine, no monitor */
	enum mon_kind kind;	/* else: which monitor */
	enum mon_paging paging; /* ... and under vt, which paging */
	bool legacy;
	uint64_t max_insns; /* --max-insns of the run, 0 = none */
};

/* In the file, the run's mode: the monitor kinds, and this one. */
#define STATE_KIND_BARE 4

/* What a snapshot builds: a monitor and its VMs, or a bare machine. */
struct state_loaded {
	struct state_run run;
	struct monitor *mon;
	struct machine *machine;
	struct netswitch *sw; /* the switch of the VMs with --net, or NULL */
};

/* Can `mon` (`p`: a bare machine's platform) be saved?  0, or -1 after
 * one line on stderr naming what a snapshot cannot hold yet (the DMA
 * engine). */
int state_check_savable(const struct monitor *mon);
int state_check_platform(const struct platform *p);
/* The same question without a word on stderr: what on board `p` a
 * snapshot cannot hold yet, or NULL if it can hold it all. */
const char *state_platform_why(const struct platform *p);

/* Append the snapshot of every VM of `mon` (of the bare machine `m`) to
 * `out`, a writer: 0, or -1 if out of memory.  The in-memory form, for
 * periodic snapshots. */
int state_save_mem(struct monitor *mon, const struct state_run *run, struct sbuf *out);
int state_save_machine_mem(struct machine *m, const struct state_run *run, struct sbuf *out);

/* state_save_mem with, for live migration, only the pages whose byte in
 * only[vm][page] is set in each VM's memory section -- zero pages too,
 * as length 0 (the receiver has older copies of the others). */
int state_save_mem_pages(struct monitor *mon, const struct state_run *run, struct sbuf *out,
			 uint8_t *const *only);

/* The same into file `path` (written whole beside it, then renamed over
 * it): 0, or -1 after one line on stderr.  state_write_file writes a
 * snapshot already in memory. */
int state_save(struct monitor *mon, const struct state_run *run, const char *path);
int state_save_machine(struct machine *m, const struct state_run *run, const char *path);
int state_write_file(const struct sbuf *b, const char *path);

/* Check the snapshot in `buf`, every section, then build from it a new
 * monitor or machine into *out, its console input on `input_fd` (VM 0;
 * -1 none).  0, or -1 with the reason in err (one line, no newline) and
 * nothing built. */
int state_load_mem(const void *buf, size_t len, int input_fd, struct state_loaded *out, char *err,
		   size_t errlen);

/* state_load_mem over a base image: VM i's RAM is first base[i]
 * (base_ram[i] bytes; base_nvm VMs, which must be the snapshot's), then
 * the memory sections -- for live migration, whose rounds sent pages
 * ahead of the final snapshot. */
int state_load_mem_base(const void *buf, size_t len, int input_fd, const uint8_t *const *base,
			const uint32_t *base_ram, int base_nvm, struct state_loaded *out, char *err,
			size_t errlen);

/* state_load_mem on file `path`: 0, or -1 after one line on stderr. */
int state_load(const char *path, int input_fd, struct state_loaded *out);

/* Free what state_load built. */
void state_loaded_free(struct state_loaded *l);

#endif
