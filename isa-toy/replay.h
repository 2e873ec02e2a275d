/*
 * replay.h -- console input recorded, and replayed exactly.
 *
 * A TRV32 machine is deterministic: the same guest with the same options
 * passes through the same states, instruction by instruction.  The one
 * thing that comes from outside is the console's input -- which bytes, and
 * *when* the guest is given them.  "When" is not host time: the run loops
 * look at the console at fixed points (between time slices, and when the
 * guest asks the firmware for a character), so the number of the look at
 * which a byte arrived pins down exactly where in the guest's execution it
 * arrived.  Record that (look number, bytes) and a later run fed the same
 * bytes at the same looks is the same run: same transcript, same
 * instruction count, whatever the host did meanwhile.
 *
 * The log is text, one event per line, so a student can read (and edit) it:
 *
 *     trapvisor console record 1
 *     in 12 6c730a          3 bytes "ls\n" at look 12
 *     eof 40                the input ended (stdin closed) at look 40
 *
 * There is one console per process (stdin), so one log: the functions
 * keep their state in this file.  The debugger's reverse execution
 * (viz/reverse.c) rests on the same determinism.
 */
#ifndef ISA_TOY_REPLAY_H
#define ISA_TOY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPLAY_MAX_CHUNK 4096 /* bytes of one "in" event, at most */

/* Start writing a log of the console input to `path` (--record), or load
 * and check the whole log at `path` (--replay).  0, or -1 after one line
 * on stderr (cannot write; not a log, bad line, looks out of order). */
int replay_record_open(const char *path);
int replay_replay_open(const char *path);
bool replay_recording(void);
bool replay_replaying(void);

/* The next look at the console: its number (0, 1, ...). */
uint64_t replay_look(void);
/* Recording: what the look found. */
void replay_note_input(uint64_t look, const uint8_t *buf, size_t n);
void replay_note_eof(uint64_t look);
/* Replaying: the bytes recorded at this look into buf (at most cap: the
 * same room the recorded run had), their count; *eof if the input ended
 * here, or the log has nothing more. */
size_t replay_take(uint64_t look, uint8_t *buf, size_t cap, bool *eof);

/* End of run: close the log.  Replaying, a log with events the run never
 * reached says so (one line) and returns -1: the run diverged. */
int replay_close(void);

#endif
