/*
 * dbg.h -- the debugger's command engine: a session over one target
 * (viz/inspect.h), its breakpoints, watchpoints and trap catches, and the
 * table of commands a user types.  The batch runner, the curses UI and
 * the GDB stub all drive this one engine; only it changes the target.
 */
#ifndef VIZ_DBG_H
#define VIZ_DBG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/statebuf.h"
#include "viz/srcline.h"
#include "viz/inspect.h"

#define DBG_MAX_BREAKS	32
#define DBG_MAX_WATCHES 8
#define DBG_MAX_CATCHES 16
#define DBG_FILTER	64

struct dbg_break {
	bool used, temp; /* temp: tbreak, deleted when hit */
	int id;
	uint32_t addr; /* guest-virtual pc */
};

/* What a watchpoint waits for. */
enum dbg_watch_kind {
	DBG_WATCH_CHANGE, /* `watch`: the word's value changed */
	DBG_WATCH_WRITE,  /* GDB's Z2: a store (or AMO) touched the range */
	DBG_WATCH_READ,	  /* `rwatch`, Z3: a load (or AMO, lr.w) touched it */
	DBG_WATCH_ACCESS, /* `awatch`, Z4: either */
};

/* A watchpoint: `len` bytes at a guest-physical address (resolved from
 * the virtual address when it is set), checked after every step.  A
 * change watch compares the word's value; an access watch decodes the
 * instruction the step retired and compares the range it loaded or
 * stored (so it sees a store of the same value, and reads). */
struct dbg_watch {
	bool used;
	int id;
	enum dbg_watch_kind kind;
	uint32_t va, len;
	uint64_t gpa;
	uint32_t old;
};

/* Why a resume stopped. */
enum dbg_stop {
	DBG_STOP_STEPS,	    /* the steps asked for are done */
	DBG_STOP_BREAK,	    /* at a breakpoint */
	DBG_STOP_WATCH,	    /* a watched word changed */
	DBG_STOP_CATCH,	    /* a trap of a caught cause */
	DBG_STOP_EXIT,	    /* the guest shut down */
	DBG_STOP_STUCK,	    /* waits for an interrupt that cannot come */
	DBG_STOP_INTERRUPT, /* the user (or GDB) interrupted */
	DBG_STOP_BEGIN,	    /* going backwards, reached the guest's entry */
};

/* Something the user changed by hand (a register, memory), kept with the
 * point in time it was made, so going back and re-executing makes it
 * again at the same point (viz/reverse.c). */
struct dbg_edit {
	uint64_t pos;  /* dbg_position() when it was made */
	int reg;       /* 1..32 (32 = pc), or -1 for memory */
	uint32_t addr; /* the register's value, or the guest-virtual address */
	uint32_t len;  /* memory: bytes in data */
	uint8_t *data;
};

/* A checkpoint (viz/reverse.c): the whole machine at position `pos`, kept
 * in memory, so going back runs forward from here, not from the entry. */
struct dbg_ckpt {
	uint64_t pos;
	uint64_t con_seen; /* console bytes the guest had printed by then */
	struct sbuf snap;  /* core/state.h's in-memory snapshot */
	struct viz_clock clock;
};

#define DBG_MAX_CKPTS  32      /* when full, every other one goes */
#define DBG_CKPT_EVERY 1000000 /* positions between two, at first */

struct dbg {
	struct viz_target t;
	struct viz_config cfg; /* what was opened: `restart` opens it again */
	struct dbg_break brk[DBG_MAX_BREAKS];
	struct dbg_watch watch[DBG_MAX_WATCHES];
	uint32_t catch[DBG_MAX_CATCHES]; /* causes (CAUSE_INTERRUPT | n for irqs) */
	int ncatch;
	bool catch_all;
	/* catch action KIND: stop after a monitor event whose action starts
	 * with this text ("shadow fill", "reflect", ...); "" = none. */
	char catch_action[DBG_FILTER];
	/* ... and the guest's state just before the step being taken, so a
	 * caught action shows what it changed. */
	uint32_t step_pc;
	enum cpu_priv step_priv;
	struct csr_file step_csr; /* the guest's CSRs before the step */
	/* catch action invalidate | vmexit REASON: a counter of the monitor
	 * (shadow invalidations; exits of one reason) that the step must
	 * not move, and its value when the step began.  The stop prints the
	 * vCPU before and after as a diff (catch_diff). */
	enum { DBG_COUNT_NONE, DBG_COUNT_INVALIDATE, DBG_COUNT_VMEXIT } catch_count;
	int catch_reason;
	uint64_t step_count;
	char catch_diff[1024];
	int next_id;		       /* numbers breakpoints and watchpoints */
	char trace_filter[DBG_FILTER]; /* "" = every event */

	FILE *out;	   /* where commands print */
	bool quit;	   /* `quit` was typed */
	bool write_failed; /* a drawing (dot, map) could not be written */
	/* Asked now and then while running: true stops (Ctrl-C, GDB 0x03). */
	bool (*interrupted)(void *ctx);
	void *interrupted_ctx;

	/* The state before the last resume, so views can highlight what
	 * changed in the last step. */
	uint32_t prev_x[32], prev_pc;
	struct csr_file prev_hw, prev_guest;
	enum dbg_stop last_stop;
	char stop_text[160];		    /* "breakpoint 1 at ..." */
	const struct dbg_watch *last_watch; /* which one, at DBG_STOP_WATCH */
	/* The step being taken, for access watchpoints and catch action: the
	 * instruction at the pc before it, its registers, and the guest's
	 * instret (dbg_step_begin). */
	uint32_t step_insn, step_x[32];
	uint64_t step_instret;
	bool step_insn_ok;

	/* Time travel (viz/reverse.c).  The guest's console reaches the
	 * user's callback through a tap that counts its bytes, so a
	 * re-execution does not print again what was already shown. */
	void (*console)(void *ctx, uint8_t byte);
	void *console_ctx;
	uint64_t con_seen;  /* bytes the guest printed in this execution */
	uint64_t con_shown; /* bytes passed on to the user, in any execution */
	struct dbg_edit *edits;
	size_t nedits, edits_cap;
	/* Source lines (viz/source.c), opened when first asked for: each
	 * VM's kernel DWARF, and the user programs built beside the kernel
	 * (guests/user/NAME.elf), matched to the running one by its code. */
	bool src_tried;
	struct viz_src *ksrc[VIZ_MAX_GUESTS];
	struct dbg_user *user;
	int nuser;
	/* `shadow`'s memory of the entries it showed, to mark those just
	 * invalidated: the rows of the last listing at another position
	 * (`was`), and of the listing at the current one (`now`). */
	struct dbg_shadow_seen {
		uint64_t pos;
		uint32_t gsatp;
		int view, n;
		uint32_t va[64], spte[64];
	} shadow_was, shadow_now;
	struct dbg_ckpt ckpt[DBG_MAX_CKPTS]; /* oldest first */
	int nckpt;
	uint64_t ckpt_every; /* positions between checkpoints (0: the default) */
	bool ckpt_off;	     /* this machine cannot be saved: the entry only */
};

/* Open a session on the target `cfg` describes; console output of the
 * guest goes to console(ctx, byte).  0, or -1 after a message. */
int dbg_open(struct dbg *d, const struct viz_config *cfg, void (*console)(void *, uint8_t),
	     void *console_ctx);
void dbg_close(struct dbg *d);

/* Run up to `steps` steps (UINT64_MAX: continue), stopping at
 * breakpoints, watchpoints, caught traps, the guest's end, or an
 * interrupt.  The first step never stops at the breakpoint it starts on. */
enum dbg_stop dbg_resume(struct dbg *d, uint64_t steps);

/* Describe the last stop (one line, no newline) into d->stop_text. */
const char *dbg_stop_describe(struct dbg *d);

/* Where the guest is in its history: guest progress (instructions retired
 * plus traps taken, over every VM) since it was opened.  Deterministic: the
 * same position always means the same state. */
uint64_t dbg_position(const struct dbg *d);

/* Running backwards (viz/reverse.c).  The machine is deterministic -- the
 * debugger gives the guest no console input, and hand-made changes are
 * recorded in d->edits -- so the state at an earlier position is found by
 * opening the guest again and running it forward to that position.
 *   dbg_restart: back to the entry (edits forgotten).
 *   dbg_reverse_step: back `steps` positions (stops at the entry:
 *     DBG_STOP_BEGIN).
 *   dbg_reverse_continue: back to the last breakpoint or watchpoint hit
 *     before now, or to the entry if there was none.
 * Each returns the stop (with d->stop_text), or -1 (as an int) after a
 * message if the guest could not be opened again. */
int dbg_restart(struct dbg *d);
int dbg_reverse_step(struct dbg *d, uint64_t steps);
int dbg_reverse_continue(struct dbg *d);
/* Source lines (viz/source.c).  dbg_source_at: the file and line `addr`
 * was compiled from -- in the running user program if the guest is in
 * U-mode there, else in its kernel; false if unknown.  dbg_user_image: the
 * symbols of the user program running at the pc (NULL: none known). */
bool dbg_source_at(struct dbg *d, uint32_t addr, const char **file, int *line);
const struct elf_image *dbg_user_image(const struct dbg *d, uint32_t addr);
/* Forget the source-line state (dbg_close). */
void dbg_source_close(struct dbg *d);

/* Going forward: take a checkpoint if the last one is far enough behind
 * (called after every run of the target; cheap when it is not due). */
void dbg_checkpoint_tick(struct dbg *d);
/* Forget the checkpoints at or after position `from`. */
void dbg_checkpoints_drop(struct dbg *d, uint64_t from);
/* Set register r (1..31, 32 = pc) as GDB's P/G packets do, recorded. */
void dbg_set_reg(struct dbg *d, unsigned r, uint32_t v);

/* Breakpoints: add (returns its id, or -1 if full), delete by id (0 = all). */
int dbg_break_add(struct dbg *d, uint32_t addr, bool temp);
int dbg_break_delete(struct dbg *d, int id);
bool dbg_break_at(const struct dbg *d, uint32_t addr);
/* Delete the (non-temporary) breakpoints at addr: 0, or -1 if none. */
int dbg_break_delete_at(struct dbg *d, uint32_t addr);
/* Write guest-virtual memory as a device would (GDB's M packet): 0, or
 * -1 if some page is unmapped or not RAM (nothing written then). */
int dbg_write_virt(struct dbg *d, uint32_t va, const void *buf, uint32_t len);
/* Watch the word at guest-virtual `va`: its id, or -1 with a message. */
int dbg_watch_add(struct dbg *d, uint32_t va);
/* Watch accesses of `kind` to [va, va+len) (len 1..4096, one page): its
 * id, or -1 with a message. */
int dbg_watch_add_access(struct dbg *d, enum dbg_watch_kind kind, uint32_t va, uint32_t len);
/* Delete the watchpoints of `kind` at `va`: 0, or -1 if none. */
int dbg_watch_delete_at(struct dbg *d, enum dbg_watch_kind kind, uint32_t va);

/* Execute one command line (of any length); output to d->out.  Returns
 * 0, or -1 if the command was bad (after one line saying why). */
int dbg_exec(struct dbg *d, const char *line);

/* The most words one command line may have (more is refused, not cut). */
#define DBG_MAX_ARGS 16

/* Split buf in place into words (at spaces, tabs, CR, LF): argv[0..n-1]
 * point into buf and argv[n] is NULL; argv has room for max + 1.
 * Returns n, or -1 if there are more than max words.  Pure: the
 * command-line parser's entry point for fuzzing. */
int dbg_split_line(char *buf, char **argv, int max);

/* What SYM and ADDR mean, for help texts (one paragraph, no final newline). */
#define DBG_ADDR_HELP                                                                    \
	"  SYM is a function, object or label of the ELF, global or local (a local\n"    \
	"  assembly label such as back2 too); when a global and a local share a name,\n" \
	"  the global wins.  ADDR is a number (0x.. or decimal), SYM, SYM+OFF or a\n"    \
	"  register ($pc, $sp, $a0, $x5)."

/* Parse an address: a number (0x.. or decimal), a symbol, SYM+OFF, or a
 * register ($pc, $sp, $a0, $x5).  0, or -1 if it is none of those. */
int dbg_parse_addr(const struct dbg *d, const char *s, uint32_t *addr);

/* "<kmain+12>" for addr, or "" if no symbol is near.  Returns buf. */
char *dbg_symbolize(const struct dbg *d, uint32_t addr, char *buf, size_t len);

/* Disassemble the instruction at guest-virtual `va` into buf ("addi
 * x2,x2,-48", or "<unmapped>").  Returns buf. */
char *dbg_disasm_at(const struct dbg *d, uint32_t va, char *buf, size_t len);

/* The command table, for help and tab completion. */
struct dbg_command {
	const char *name;
	int (*fn)(struct dbg *d, int argc, char **argv);
	const char *help;
};
extern const struct dbg_command dbg_commands[];

/* The ABI name of register r (0..31): "zero", "ra", "sp", ... */
const char *dbg_reg_name(unsigned r);
/* Register number of "a0", "x10", "pc" (32); -1 if none. */
int dbg_reg_number(const char *name);

#endif
