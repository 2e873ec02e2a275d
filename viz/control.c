/*
 * control.c -- the control half of the debugger (dbg.h): breakpoints,
 * watchpoints, trap catches, and the resume loop that honours them.
 *
 * Breakpoints never patch guest memory (no ebreak written into the
 * guest's code): the loop runs the target one step at a time and
 * compares the pc after each step.  That costs speed but keeps the guest
 * -- and the monitor's write protection of its page tables -- untouched,
 * and works the same in every mode.  With nothing to watch, the loop runs
 * in large chunks at full speed.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "core/vt.h"
#include "viz/cli.h"
#include "viz/cmds.h"

#define DBG_CHUNK 100000 /* steps per chunk when nothing needs a look */
#define DBG_POLL  4096	 /* steps between looks for an interrupt */

int dbg_open(struct dbg *d, const struct viz_config *cfg, void (*console)(void *, uint8_t),
	     void *console_ctx)
{
	memset(d, 0, sizeof(*d));
	d->out = stdout;
	d->next_id = 1;
	d->cfg = *cfg;
	d->console = console;
	d->console_ctx = console_ctx;
	return dbg_reopen(d);
}

void dbg_close(struct dbg *d)
{
	viz_close(&d->t);
	dbg_edits_forget(d, 0);
	dbg_checkpoints_drop(d, 0);
	dbg_source_close(d);
	free(d->edits);
	d->edits = NULL;
}

int dbg_break_add(struct dbg *d, uint32_t addr, bool temp)
{
	for (int i = 0; i < DBG_MAX_BREAKS; i++)
		if (!d->brk[i].used) {
			d->brk[i] = (struct dbg_break){ true, temp, d->next_id++, addr };
			return d->brk[i].id;
		}
	return -1;
}

int dbg_break_delete(struct dbg *d, int id)
{
	int n = 0;
	for (int i = 0; i < DBG_MAX_BREAKS; i++)
		if (d->brk[i].used && (id == 0 || d->brk[i].id == id)) {
			d->brk[i].used = false;
			n++;
		}
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (d->watch[i].used && (id == 0 || d->watch[i].id == id)) {
			d->watch[i].used = false;
			n++;
		}
	return n ? 0 : -1;
}

bool dbg_break_at(const struct dbg *d, uint32_t addr)
{
	for (int i = 0; i < DBG_MAX_BREAKS; i++)
		if (d->brk[i].used && d->brk[i].addr == addr)
			return true;
	return false;
}

int dbg_break_delete_at(struct dbg *d, uint32_t addr)
{
	int n = 0;
	for (int i = 0; i < DBG_MAX_BREAKS; i++)
		if (d->brk[i].used && !d->brk[i].temp && d->brk[i].addr == addr) {
			d->brk[i].used = false;
			n++;
		}
	return n ? 0 : -1;
}

int dbg_write_virt_now(struct dbg *d, uint32_t va, const void *buf, uint32_t len)
{
	const uint8_t *in = buf;
	struct sv32_walk w;
	/* Check every page first, so a bad range writes nothing. */
	for (uint64_t a = va & ~0xfffu; a < (uint64_t)va + len; a += 4096)
		if (viz_walk_guest(&d->t, (uint32_t)a, &w))
			return -1;
	while (len) {
		uint32_t n = 4096 - (va & 0xfff);
		if (n > len)
			n = len;
		if (viz_walk_guest(&d->t, va, &w) || d->t.ops->write_phys(&d->t, w.pa, in, n))
			return -1;
		in += n;
		va += n;
		len -= n;
	}
	return 0;
}

int dbg_write_virt(struct dbg *d, uint32_t va, const void *buf, uint32_t len)
{
	if (dbg_write_virt_now(d, va, buf, len))
		return -1;
	dbg_edit_record(d, -1, va, buf, len);
	return 0;
}

void dbg_mark_before(struct dbg *d)
{
	const struct viz_ops *ops = d->t.ops;
	ops->guest_regs(&d->t, d->prev_x, &d->prev_pc);
	d->prev_hw = ops->hart(&d->t)->csr;
	d->prev_guest = *ops->guest_csr(&d->t);
	d->stop_text[0] = 0;
}

/* Put watchpoint `w` in a free slot, numbered: its id, or -1 with a
 * message if every slot is taken. */
static int dbg_watch_put(struct dbg *d, struct dbg_watch w)
{
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (!d->watch[i].used) {
			w.id = d->next_id++;
			d->watch[i] = w;
			return w.id;
		}
	fprintf(d->out, "watch: at most %d watchpoints\n", DBG_MAX_WATCHES);
	return -1;
}

int dbg_watch_add(struct dbg *d, uint32_t va)
{
	struct sv32_walk w;
	uint32_t val;
	if ((va & 3) || viz_walk_guest(&d->t, va, &w) || viz_read_phys(&d->t, w.pa, &val, 4)) {
		fprintf(d->out, "watch: 0x%08x is not an aligned, mapped word of RAM\n", va);
		return -1;
	}
	return dbg_watch_put(d, (struct dbg_watch){ true, 0, DBG_WATCH_CHANGE, va, 4, w.pa, val });
}

int dbg_watch_add_access(struct dbg *d, enum dbg_watch_kind kind, uint32_t va, uint32_t len)
{
	struct sv32_walk w;
	uint8_t byte;
	if (!len || len > 4096 - (va & 0xfff) || viz_walk_guest(&d->t, va, &w) ||
	    viz_read_phys(&d->t, w.pa, &byte, 1)) {
		fprintf(d->out, "watch: 0x%08x (%u bytes) is not mapped RAM, or crosses a page\n",
			va, len);
		return -1;
	}
	return dbg_watch_put(d, (struct dbg_watch){ true, 0, kind, va, len, w.pa, 0 });
}

int dbg_watch_delete_at(struct dbg *d, enum dbg_watch_kind kind, uint32_t va)
{
	int n = 0;
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (d->watch[i].used && d->watch[i].kind == kind && d->watch[i].va == va) {
			d->watch[i].used = false;
			n++;
		}
	return n ? 0 : -1;
}

/* The memory the step just taken loaded from and stored to, if it retired
 * a load, store or atomic: false otherwise.  Decoded from the instruction
 * word and the registers before the step, through the one instruction
 * table (isa-toy/insns.def); the address is translated now (a load or
 * store does not change satp). */
static bool dbg_step_access(const struct dbg *d, uint64_t *gpa, uint32_t *len, bool *rd, bool *wr)
{
	if (!d->step_insn_ok || d->t.ops->guest_csr(&d->t)->instret == d->step_instret)
		return false; /* nothing retired: a trap (the access did not happen) */
	uint32_t w = d->step_insn;
	enum insn_id id = insn_decode(w);
	uint32_t va = d->step_x[insn_rs1(w)];
	int sign;
	switch (insn_table[id].kind) {
	case INSN_KIND_LOAD:
		*len = insn_mem_width(id, &sign);
		va += (uint32_t)insn_imm_i(w);
		*rd = true, *wr = false;
		break;
	case INSN_KIND_STORE:
		*len = insn_mem_width(id, &sign);
		va += (uint32_t)insn_imm_s(w);
		*rd = false, *wr = true;
		break;
	case INSN_KIND_ATOMIC:
		*len = 4;
		*rd = id != INSN_sc_w;
		*wr = id != INSN_lr_w;
		break;
	default: return false;
	}
	struct sv32_walk walk;
	if (viz_walk_guest(&d->t, va, &walk))
		return false;
	*gpa = walk.pa;
	return true;
}

static const char *const dbg_watch_names[] = { "watchpoint", "write watchpoint", "read watchpoint",
					       "access watchpoint" };

bool dbg_watching_access(const struct dbg *d)
{
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (d->watch[i].used && d->watch[i].kind != DBG_WATCH_CHANGE)
			return true;
	return false;
}

/* The monitor's counter `catch action` watches: shadow entries
 * invalidated, or VM exits of one reason, summed over the VMs. */
static uint64_t dbg_caught_count(const struct dbg *d)
{
	const struct monitor *mon = d->t.mon;
	uint64_t n = 0;
	for (int i = 0; mon && i < mon->nvm; i++) {
		const struct vm *vm = mon->vm[i];
		if (d->catch_count == DBG_COUNT_INVALIDATE)
			n += vm->spt.stats.invalidations;
		else if (d->catch_count == DBG_COUNT_VMEXIT && vm->vtx)
			n += vm->vtx->vmcs.stats.by_reason[d->catch_reason];
	}
	return n;
}

void dbg_step_begin(struct dbg *d)
{
	uint32_t pc;
	d->t.ops->guest_regs(&d->t, d->step_x, &pc);
	d->step_csr = *d->t.ops->guest_csr(&d->t);
	d->step_count = dbg_caught_count(d);
	d->step_instret = d->t.ops->guest_csr(&d->t)->instret;
	d->step_insn_ok = !viz_read_virt(&d->t, pc, &d->step_insn, 4);
	d->step_pc = pc;
	d->step_priv = d->t.ops->guest_csr(&d->t)->priv;
}

/* The vCPU before the step and now, as a diff: each register and CSR
 * the guest sees that changed, "before -> after", into d->catch_diff. */
static void dbg_diff_vcpu(struct dbg *d)
{
	uint32_t x[32], pc;
	char *p = d->catch_diff, *end = d->catch_diff + sizeof(d->catch_diff);
	d->t.ops->guest_regs(&d->t, x, &pc);
	const struct csr_file *g = d->t.ops->guest_csr(&d->t), *o = &d->step_csr;
	p += snprintf(p, (size_t)(end - p), "  %-8s 0x%08x -> 0x%08x\n", "pc", d->step_pc, pc);
	if (o->priv != g->priv)
		p += snprintf(p, (size_t)(end - p), "  %-8s %s -> %s\n", "mode",
			      o->priv == PRIV_S ? "S" : "U", g->priv == PRIV_S ? "S" : "U");
	for (unsigned r = 1; r < 32 && p < end; r++)
		if (x[r] != d->step_x[r])
			p += snprintf(p, (size_t)(end - p), "  %-8s 0x%08x -> 0x%08x\n",
				      dbg_reg_name(r), d->step_x[r], x[r]);
	const struct {
		const char *name;
		uint32_t before, after;
	} csrs[] = {
		{ "sstatus", o->sstatus, g->sstatus }, { "sepc", o->sepc, g->sepc },
		{ "scause", o->scause, g->scause },    { "stval", o->stval, g->stval },
		{ "satp", o->satp, g->satp },	       { "sie", o->sie, g->sie },
	};
	for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]) && p < end; i++)
		if (csrs[i].before != csrs[i].after)
			p += snprintf(p, (size_t)(end - p), "  %-8s 0x%08x -> 0x%08x\n",
				      csrs[i].name, csrs[i].before, csrs[i].after);
}

/* catch action invalidate | vmexit REASON: did the step move the counter? */
static bool dbg_check_count(struct dbg *d)
{
	uint64_t now = dbg_caught_count(d);
	if (now == d->step_count)
		return false;
	d->last_stop = DBG_STOP_CATCH;
	if (d->catch_count == DBG_COUNT_INVALIDATE)
		snprintf(d->stop_text, sizeof(d->stop_text),
			 "caught action invalidate: %" PRIu64
			 " shadow entr%s dropped (a guest page table changed); the vCPU:",
			 now - d->step_count, now - d->step_count == 1 ? "y" : "ies");
	else
		snprintf(d->stop_text, sizeof(d->stop_text),
			 "caught action vmexit %s (exit %" PRIu64 " of that reason); the vCPU:",
			 tvt_exit_name((enum tvt_exit_reason)d->catch_reason), now);
	dbg_diff_vcpu(d);
	return true;
}

/* catch action: a monitor event of the caught action in the step just
 * taken?  The stop text says what the action changed: the guest's pc
 * and mode before and after. */
static bool dbg_check_action(struct dbg *d, uint64_t before)
{
	const struct trace *tr = d->t.ops->trace(&d->t);
	size_t len = strlen(d->catch_action);
	if (!tr)
		return false;
	for (uint64_t i = before; i < tr->next_seq; i++) {
		if (tr->next_seq - i > TRACE_RING)
			continue;
		const struct trace_event *e = &tr->ring[i % TRACE_RING];
		if (strncmp(e->action, d->catch_action, len))
			continue;
		uint32_t x[32], pc;
		d->t.ops->guest_regs(&d->t, x, &pc);
		const struct csr_file *g = d->t.ops->guest_csr(&d->t);
		int changed = 0;
		for (int r = 1; r < 32; r++)
			changed += x[r] != d->step_x[r];
		d->last_stop = DBG_STOP_CATCH;
		snprintf(d->stop_text, sizeof(d->stop_text),
			 "caught action #%" PRIu64 " %.48s: pc 0x%08x -> 0x%08x, mode %s -> %s, "
			 "%d registers changed",
			 e->seq, e->action, d->step_pc, pc, d->step_priv == PRIV_S ? "S" : "U",
			 g->priv == PRIV_S ? "S" : "U", changed);
		dbg_diff_vcpu(d);
		return true;
	}
	return false;
}

/* Did anything the user asked for happen in the step just taken? */
bool dbg_check(struct dbg *d, uint64_t traps_before)
{
	const struct viz_ops *ops = d->t.ops;
	uint32_t pc = viz_pc(&d->t);
	char sym[64];

	for (int i = 0; i < DBG_MAX_BREAKS; i++) {
		struct dbg_break *b = &d->brk[i];
		if (!b->used || b->addr != pc)
			continue;
		d->last_stop = DBG_STOP_BREAK;
		snprintf(d->stop_text, sizeof(d->stop_text), "%sbreakpoint %d at 0x%08x %s",
			 b->temp ? "temporary " : "", b->id, pc,
			 dbg_symbolize(d, pc, sym, sizeof(sym)));
		if (b->temp)
			b->used = false;
		return true;
	}
	uint64_t agpa = 0;
	uint32_t alen = 0;
	bool ard = false, awr = false;
	bool access = dbg_watching_access(d) && dbg_step_access(d, &agpa, &alen, &ard, &awr);
	for (int i = 0; i < DBG_MAX_WATCHES; i++) {
		struct dbg_watch *w = &d->watch[i];
		uint32_t now;
		if (!w->used)
			continue;
		if (w->kind != DBG_WATCH_CHANGE) {
			bool want = w->kind == DBG_WATCH_ACCESS ? ard || awr
				    : w->kind == DBG_WATCH_READ ? ard
								: awr;
			if (!access || !want || agpa >= w->gpa + w->len || agpa + alen <= w->gpa)
				continue;
			d->last_stop = DBG_STOP_WATCH;
			d->last_watch = w;
			snprintf(d->stop_text, sizeof(d->stop_text),
				 "%s %d: %s of %u byte%s at P 0x%08" PRIx64 " (watching 0x%08x)",
				 dbg_watch_names[w->kind], w->id,
				 awr && ard ? "read-modify-write"
				 : awr	    ? "store"
					    : "load",
				 alen, alen == 1 ? "" : "s", agpa, w->va);
			return true;
		}
		if (viz_read_phys(&d->t, w->gpa, &now, 4) || now == w->old)
			continue;
		d->last_stop = DBG_STOP_WATCH;
		d->last_watch = w;
		snprintf(d->stop_text, sizeof(d->stop_text),
			 "watchpoint %d: word at 0x%08x changed 0x%08x -> 0x%08x", w->id, w->va,
			 w->old, now);
		w->old = now;
		return true;
	}
	if (d->ncatch || d->catch_all) {
		uint64_t now = ops->trap_count(&d->t);
		for (uint64_t i = traps_before; i < now; i++) {
			uint32_t cause;
			if (ops->trap_cause(&d->t, i, &cause))
				continue;
			bool hit = d->catch_all;
			for (int c = 0; c < d->ncatch; c++)
				hit |= d->catch[c] == cause;
			if (!hit)
				continue;
			d->last_stop = DBG_STOP_CATCH;
			snprintf(d->stop_text, sizeof(d->stop_text), "caught trap %s (scause 0x%x)",
				 cpu_cause_name(cause), cause);
			return true;
		}
	}
	if (d->catch_action[0] && dbg_check_action(d, traps_before))
		return true;
	if (d->catch_count && dbg_check_count(d))
		return true;
	return false;
}

static bool dbg_need_single(const struct dbg *d)
{
	for (int i = 0; i < DBG_MAX_BREAKS; i++)
		if (d->brk[i].used)
			return true;
	for (int i = 0; i < DBG_MAX_WATCHES; i++)
		if (d->watch[i].used)
			return true;
	return d->ncatch || d->catch_all || d->catch_action[0] || d->catch_count;
}

/* With several VMs, steps are the inspected VM's (`vm N`): its own
 * progress, instructions retired and traps taken. */
static uint64_t dbg_vm_progress(const struct dbg *d)
{
	return csr_progress(vm_csr(d->t.mon->vm[d->t.vm]));
}

enum dbg_stop dbg_resume(struct dbg *d, uint64_t steps)
{
	const struct viz_ops *ops = d->t.ops;
	int code;

	dbg_mark_before(d);

	if (ops->halted(&d->t, &code) && d->t.end == VIZ_EXITED)
		return d->last_stop = DBG_STOP_EXIT;
	/* `stepi N` with several VMs steps the one being inspected: the
	 * machine runs as it always does (the others take their time slices
	 * in between, so going back stays exact), a step at a time, until
	 * that VM has made N steps.  `continue` runs them all. */
	bool per_vm = steps != UINT64_MAX && d->t.mon && d->t.mon->nvm > 1;
	bool single = per_vm || dbg_need_single(d);
	uint64_t vm0 = per_vm ? dbg_vm_progress(d) : 0;
	for (uint64_t done = 0; done < steps;) {
		uint64_t n = single ? 1 : steps - done < DBG_CHUNK ? steps - done : DBG_CHUNK;
		uint64_t traps = ops->trap_count(&d->t);
		if (d->catch_action[0] || d->catch_count || dbg_watching_access(d))
			dbg_step_begin(d);
		d->t.end = ops->run(&d->t, n);
		done = per_vm ? dbg_vm_progress(d) - vm0 : done + n;
		dbg_checkpoint_tick(d);
		if (d->t.end == VIZ_EXITED || ops->halted(&d->t, &code))
			return d->last_stop = DBG_STOP_EXIT;
		if (d->t.end == VIZ_STUCK)
			return d->last_stop = DBG_STOP_STUCK;
		if (single && dbg_check(d, traps))
			return d->last_stop;
		if (d->interrupted && (!single || done % DBG_POLL == 0) &&
		    d->interrupted(d->interrupted_ctx))
			return d->last_stop = DBG_STOP_INTERRUPT;
	}
	return d->last_stop = DBG_STOP_STEPS;
}

const char *dbg_stop_describe(struct dbg *d)
{
	int code = 0;
	char sym[64];
	uint32_t pc = viz_pc(&d->t);
	switch (d->last_stop) {
	case DBG_STOP_EXIT:
		d->t.ops->halted(&d->t, &code);
		snprintf(d->stop_text, sizeof(d->stop_text), "the guest exited with status %d",
			 code);
		break;
	case DBG_STOP_STUCK:
		snprintf(d->stop_text, sizeof(d->stop_text),
			 "the guest waits in wfi for an interrupt that can never come (pc 0x%08x)",
			 pc);
		break;
	case DBG_STOP_INTERRUPT:
		snprintf(d->stop_text, sizeof(d->stop_text), "interrupted at 0x%08x %s", pc,
			 dbg_symbolize(d, pc, sym, sizeof(sym)));
		break;
	case DBG_STOP_BEGIN:
		snprintf(d->stop_text, sizeof(d->stop_text),
			 "reached the beginning of the guest's history (its entry, 0x%08x %s)", pc,
			 dbg_symbolize(d, pc, sym, sizeof(sym)));
		break;
	case DBG_STOP_STEPS: d->stop_text[0] = 0; break;
	default: /* filled in when it stopped */ break;
	}
	return d->stop_text;
}

char *dbg_symbolize(const struct dbg *d, uint32_t addr, char *buf, size_t len)
{
	/* In user mode, the running program's own symbols first. */
	const struct elf_image *user = dbg_user_image(d, addr);
	const struct elf_symbol *s = user ? elf_symbol_at(user, addr) : NULL;
	if (!s)
		s = elf_symbol_at(d->t.ops->elf(&d->t), addr);
	buf[0] = 0;
	/* Only close symbols: a label 1 MiB below says nothing. */
	if (s && addr - s->addr < 0x10000) {
		if (addr == s->addr)
			snprintf(buf, len, "<%s>", s->name);
		else
			snprintf(buf, len, "<%s+%u>", s->name, addr - s->addr);
	}
	return buf;
}

char *dbg_disasm_at(const struct dbg *d, uint32_t va, char *buf, size_t len)
{
	uint32_t w;
	if (viz_read_virt(&d->t, va, &w, 4)) {
		snprintf(buf, len, "<unmapped>");
		return buf;
	}
	insn_disasm(w, va, buf, len);
	for (char *p = buf; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return buf;
}

static const char *const dbg_abi[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "s0", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *dbg_reg_name(unsigned r)
{
	return r < 32 ? dbg_abi[r] : "pc";
}

int dbg_reg_number(const char *name)
{
	if (!strcmp(name, "pc"))
		return 32;
	if (!strcmp(name, "fp"))
		return 8;
	for (int i = 0; i < 32; i++)
		if (!strcmp(name, dbg_abi[i]))
			return i;
	if (name[0] == 'x' && isdigit((unsigned char)name[1])) {
		char *end;
		long v = strtol(name + 1, &end, 10);
		if (!*end && v >= 0 && v < 32)
			return (int)v;
	}
	return -1;
}

int dbg_parse_addr(const struct dbg *d, const char *s, uint32_t *addr)
{
	char name[128];
	const char *plus = strchr(s, '+');
	uint64_t off = 0, v;

	if (!*s)
		return -1;
	if (plus) { /* SYM+OFF */
		if (viz_parse_uint(plus + 1, UINT32_MAX, &off) || plus == s ||
		    (size_t)(plus - s) >= sizeof(name))
			return -1;
		memcpy(name, s, (size_t)(plus - s));
		name[plus - s] = 0;
	} else if (strlen(s) >= sizeof(name)) {
		return -1; /* no symbol is that long: refuse, never cut */
	} else {
		snprintf(name, sizeof(name), "%s", s);
	}
	if (name[0] == '$') { /* a register's value */
		int r = dbg_reg_number(name + 1);
		uint32_t x[32], pc;
		if (r < 0)
			return -1;
		d->t.ops->guest_regs(&d->t, x, &pc);
		*addr = (r == 32 ? pc : x[r]) + (uint32_t)off;
		return 0;
	}
	if (isdigit((unsigned char)name[0])) {
		if (viz_parse_uint(name, UINT32_MAX, &v))
			return -1;
		*addr = (uint32_t)(v + off);
		return 0;
	}
	const struct elf_symbol *sym = elf_symbol_named(d->t.ops->elf(&d->t), name);
	/* Not the kernel's: the running user program's (`break main` in it). */
	const struct elf_image *user = sym ? NULL : dbg_user_image(d, viz_pc(&d->t));
	if (user)
		sym = elf_symbol_named(user, name);
	if (!sym)
		return -1;
	*addr = sym->addr + (uint32_t)off;
	return 0;
}
