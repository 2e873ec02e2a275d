/*
 * source.c -- the debugger's source lines: `list`, `info line`, and
 * `step`/`next` by source line (dbg.h).
 *
 * The kernel's lines come from its own ELF.  A user program runs from a
 * copy the kernel carries inside itself, stripped; its full ELF, with
 * symbols and DWARF, is built beside the kernel (guests/user/NAME.elf).
 * Which one is running?  Every program is linked at the same address, so
 * the debugger compares the code: the program whose bytes at the pc are
 * the bytes in guest memory at the pc is the one running.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/cli.h"
#include "viz/cmds.h"

/* A user program's ELF: its symbols, DWARF and loadable bytes. */
struct dbg_user {
	char name[64];
	struct elf_image img;
	struct viz_src *src;
	uint32_t lo, hi; /* its loadable bytes cover [lo, hi) */
	uint8_t *bytes;
};

/* elf_load's callback: keep the segments' bytes (the lowest to the
 * highest address, gaps zero). */
static int dbg_user_segment(void *ctx, uint32_t paddr, const void *src, uint32_t filesz,
			    uint32_t memsz)
{
	struct dbg_user *u = ctx;
	uint32_t lo = u->bytes ? (paddr < u->lo ? paddr : u->lo) : paddr;
	uint32_t hi = u->bytes ? (paddr + memsz > u->hi ? paddr + memsz : u->hi) : paddr + memsz;
	if (hi - lo > (16u << 20))
		return -1; /* not a teaching program */
	uint8_t *b = calloc(1, hi - lo);
	if (!b)
		return -1;
	if (u->bytes)
		memcpy(b + (u->lo - lo), u->bytes, u->hi - u->lo);
	memcpy(b + (paddr - lo), src, filesz);
	free(u->bytes);
	u->bytes = b;
	u->lo = lo;
	u->hi = hi;
	return 0;
}

/* Open the kernels' DWARF and the user programs beside the first kernel. */
static void dbg_source_open(struct dbg *d)
{
	d->src_tried = true;
	for (int i = 0; i < d->cfg.nguests; i++)
		d->ksrc[i] = viz_src_open(d->cfg.guest[i].elf_path);
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", d->cfg.guest[0].elf_path);
	char *slash = strrchr(dir, '/');
	snprintf(slash ? slash + 1 : dir, sizeof(dir) - (size_t)(slash ? slash + 1 - dir : 0),
		 "user");
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".elf") || n >= 64)
			continue;
		struct dbg_user *more = realloc(d->user, (size_t)(d->nuser + 1) * sizeof(*more));
		if (!more)
			break;
		d->user = more;
		struct dbg_user *u = &d->user[d->nuser];
		memset(u, 0, sizeof(*u));
		char path[1100];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		/* Quietly: a file that is not a program is just not one. */
		FILE *saved = stderr;
		stderr = fopen("/dev/null", "w");
		int bad = elf_load(path, 0, 1u << 31, dbg_user_segment, u, &u->img);
		fclose(stderr);
		stderr = saved;
		if (bad || !u->bytes) {
			free(u->bytes);
			continue;
		}
		snprintf(u->name, sizeof(u->name), "%.*s", (int)(n - 4), e->d_name);
		u->src = viz_src_open(path);
		d->nuser++;
	}
	closedir(dp);
}

void dbg_source_close(struct dbg *d)
{
	for (int i = 0; i < VIZ_MAX_GUESTS; i++) {
		viz_src_close(d->ksrc[i]);
		d->ksrc[i] = NULL;
	}
	for (int i = 0; i < d->nuser; i++) {
		elf_image_free(&d->user[i].img);
		viz_src_close(d->user[i].src);
		free(d->user[i].bytes);
	}
	free(d->user);
	d->user = NULL;
	d->nuser = 0;
	d->src_tried = false;
}

/* The user program running now, if the guest is in U-mode and `addr` is
 * in its code: the one whose bytes at the pc match guest memory. */
static struct dbg_user *dbg_user_running(const struct dbg *d, uint32_t addr)
{
	if (!d->src_tried)
		dbg_source_open((struct dbg *)d);
	if (d->t.ops->guest_csr(&d->t)->priv != PRIV_U)
		return NULL;
	uint32_t pc = viz_pc(&d->t);
	uint8_t mem[16];
	if (viz_read_virt(&d->t, pc, mem, sizeof(mem)))
		return NULL;
	for (int i = 0; i < d->nuser; i++) {
		struct dbg_user *u = &d->user[i];
		if (pc >= u->lo && pc + sizeof(mem) <= u->hi && addr >= u->lo && addr < u->hi &&
		    !memcmp(u->bytes + (pc - u->lo), mem, sizeof(mem)))
			return u;
	}
	return NULL;
}

const struct elf_image *dbg_user_image(const struct dbg *d, uint32_t addr)
{
	struct dbg_user *u = dbg_user_running(d, addr);
	return u ? &u->img : NULL;
}

bool dbg_source_at(struct dbg *d, uint32_t addr, const char **file, int *line)
{
	struct dbg_user *u = dbg_user_running(d, addr);
	if (u)
		return viz_src_line(u->src, addr, file, line);
	return viz_src_line(d->ksrc[d->t.vm], addr, file, line);
}

/* --- commands --- */

/* The address an optional argument names (default: the pc). */
static int dbg_where_arg(struct dbg *d, int argc, char **argv, const char *cmd, uint32_t *addr)
{
	*addr = viz_pc(&d->t);
	if (argc > 1 && dbg_parse_addr(d, argv[1], addr)) {
		fprintf(d->out, "%s: %s: no such symbol or address\n", cmd, argv[1]);
		return -1;
	}
	return 0;
}

int dbg_cmd_list(struct dbg *d, int argc, char **argv)
{
	uint32_t addr;
	const char *file;
	int line;
	char text[256];
	if (dbg_where_arg(d, argc, argv, "list", &addr))
		return -1;
	if (!dbg_source_at(d, addr, &file, &line)) {
		fprintf(d->out, "list: no source line for 0x%08x (no DWARF there)\n", addr);
		return -1;
	}
	fprintf(d->out, "%s:%d\n", file, line);
	for (int l = line > 5 ? line - 5 : 1; l <= line + 5; l++) {
		if (!viz_src_text(file, l, text, sizeof(text))) {
			if (l <= line)
				fprintf(d->out, "(%s: cannot read the source file)\n", file);
			break;
		}
		fprintf(d->out, "%s%5d  %s\n", l == line ? "=>" : "  ", l, text);
	}
	return 0;
}

int dbg_cmd_info_line(struct dbg *d, int argc, char **argv)
{
	uint32_t addr;
	const char *file;
	int line;
	char sym[64];
	if (dbg_where_arg(d, argc, argv, "info line", &addr))
		return -1;
	if (!dbg_source_at(d, addr, &file, &line)) {
		fprintf(d->out, "0x%08x %s: no source line\n", addr,
			dbg_symbolize(d, addr, sym, sizeof(sym)));
		return 0;
	}
	fprintf(d->out, "0x%08x %s is at %s:%d\n", addr, dbg_symbolize(d, addr, sym, sizeof(sym)),
		file, line);
	return 0;
}

/* The most instructions a source step runs looking for the next line. */
#define DBG_LINE_STEPS 1000000

/* step / next by source line: run until the pc is on another line (of a
 * file with lines: code without any, a trap vector say, is run through),
 * or something else stops the guest.  `over`: run calls (jal/jalr that
 * link ra) to their return, as `next`; and a line reached in another
 * mode does not count (an ecall's trip through the kernel, an interrupt
 * taken on the way, are stepped over too). */
static int dbg_line_step(struct dbg *d, bool over)
{
	const char *file0, *file;
	int line0, line;
	uint32_t x[32], pc;
	if (!dbg_source_at(d, viz_pc(&d->t), &file0, &line0))
		return over ? dbg_cmd_next_insn(d) : (dbg_resume(d, 1), dbg_print_stop(d), 0);
	char start[512];
	snprintf(start, sizeof(start), "%s", file0);
	enum cpu_priv priv0 = d->t.ops->guest_csr(&d->t)->priv;
	for (int n = 0; n < DBG_LINE_STEPS; n++) {
		if ((over ? dbg_step_over(d) : dbg_resume(d, 1)) != DBG_STOP_STEPS)
			break;
		d->t.ops->guest_regs(&d->t, x, &pc);
		if (!dbg_source_at(d, pc, &file, &line))
			continue;
		if (line == line0 && !strcmp(file, start))
			continue;
		if (over && d->t.ops->guest_csr(&d->t)->priv != priv0)
			continue;
		break;
	}
	dbg_print_stop(d);
	if (d->last_stop == DBG_STOP_STEPS && dbg_source_at(d, viz_pc(&d->t), &file, &line)) {
		char text[256];
		if (viz_src_text(file, line, text, sizeof(text)))
			fprintf(d->out, "%d\t%s\n", line, text);
		else
			fprintf(d->out, "%s:%d\n", file, line);
	}
	return 0;
}

int dbg_cmd_step(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return dbg_line_step(d, false);
}

int dbg_cmd_next_line(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return dbg_line_step(d, true);
}
