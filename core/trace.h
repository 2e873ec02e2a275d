/*
 * trace.h -- the trace: one event record for every trap of the toy monitor
 * and every VM exit of the x86 backend (the same type for both, so the
 * debugger, --stats and the JSON Lines files treat them alike).
 *
 * Events go into a ring buffer (the last TRACE_RING events, for the
 * debugger) and, with --trace FILE, to a JSON Lines file, one object a line.
 */
#ifndef CORE_TRACE_H
#define CORE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_RING 4096
#define TRACE_TEXT 48

struct trace_event {
	uint64_t seq;		     /* 0, 1, 2, ... per trace */
	uint64_t icount;	     /* guest instructions retired before the event */
	int vm, vcpu;		     /* which VM and which of its vCPUs */
	uint32_t cause;		     /* architecture's number (RISC-V scause, KVM exit reason) */
	char cause_name[TRACE_TEXT]; /* "illegal-instruction", "KVM_EXIT_IO" */
	uint64_t pc;		     /* guest pc (x86: rip) at the event */
	uint32_t insn;		     /* instruction word, 0 if not known */
	char disasm[TRACE_TEXT];     /* its disassembly, "" if not known */
	char vmode[8];		     /* virtual privilege: "S", "U", "ring0", ... */
	char action[TRACE_TEXT];     /* what the monitor did: "emulate csrw sstatus" */
	uint64_t detail;	     /* cause-specific: stval, port, MMIO address */
	uint64_t cost_ns;	     /* host time spent handling it */
};

/* The default cap on a trace file's size (--trace-limit): a trap storm
 * writes tens of megabytes a second. */
#define TRACE_LIMIT_DEFAULT (256ull << 20)
/* The smallest cap: room for a record and the record that ends a
 * truncated trace. */
#define TRACE_LIMIT_MIN	    4096u

struct trace {
	struct trace_event ring[TRACE_RING];
	uint64_t next_seq; /* events ever emitted; ring holds the last ones */
	FILE *out;	   /* JSON Lines sink or NULL */
	const char *path;  /* its name, for messages */
	uint64_t limit;	   /* cap on the file's bytes, 0 = none */
	uint64_t written;  /* bytes written to it so far */
	bool capped;	   /* the cap was reached: records go to the ring only */
	bool failed;	   /* a write failed (reported): the run must end */
};

/* Start a trace; `path` may be NULL (ring only).  The file is capped at
 * TRACE_LIMIT_DEFAULT bytes (trace_set_limit changes it).  Returns 0, or
 * -1 with a message if the file cannot be created. */
int trace_open(struct trace *t, const char *path);

/* Cap the file at `bytes` (0: no cap; else at least TRACE_LIMIT_MIN).
 * A record that would leave no room under the cap for a short closing
 * record is not written; in its place goes that closing record,
 * {"seq":N,"truncated":true,"limit":bytes}, N being the first record left
 * out, and the file gets no more: it never passes the cap.  The ring
 * still gets every event. */
void trace_set_limit(struct trace *t, uint64_t bytes);

/* Flush and close the file, if any.  Returns 0, or -1 with a one-line
 * message if a write failed (now or before: see failed). */
int trace_close(struct trace *t);

/* Record `ev` (its seq is assigned here) and return the stored copy.  A
 * failed write to the file prints one line on stderr, sets `failed` and
 * ends the file; the caller should end the run. */
const struct trace_event *trace_emit(struct trace *t, const struct trace_event *ev);

/* The i-th most recent event (0 = newest), or NULL if not held. */
const struct trace_event *trace_recent(const struct trace *t, uint64_t i);

/* Write one event as a JSON object (no newline) to `f`. */
void trace_write_json(FILE *f, const struct trace_event *ev);
#endif
