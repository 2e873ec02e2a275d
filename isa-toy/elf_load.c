/*
 * elf_load.c -- the guest ELF loader (see elf_load.h).
 *
 * libelf does the parsing; gelf_* gives one view of 32- and 64-bit files.
 * The order of work is deliberate:
 *
 *   1. identify: ELF?  32-bit?  little-endian?  RISC-V?  executable?
 *   2. check the header tables lie in the file, then every program
 *      header (sizes, file bounds, RAM bounds)
 *   3. read the symbol table
 *   4. only then copy segments into guest RAM
 *
 * so a bad file is refused before it has changed anything.
 *
 * Overflow-safe range checks: `a + b <= limit` can wrap around with
 * 64-bit values from a hostile file, so we never add two file values.
 * We test `b <= limit && a <= limit - b` instead, which cannot wrap.
 */
#include "isa-toy/elf_load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

/* Print `trapvisor: PATH: <message>` and return -1. */
static int __attribute__((format(printf, 2, 3))) elf_fail(const char *path, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "trapvisor: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Is [addr, addr+len) inside [base, base+size)?  No sum can wrap. */
static int elf_range_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	return addr >= base && len <= size && addr - base <= size - len;
}

/* Step 1: the ELF header says "TRV32 executable". */
static int elf_check_header(Elf *elf, const char *path, const char *raw, size_t fsize,
			    GElf_Ehdr *eh)
{
	/* The identification bytes first: libelf says only "not ELF" for a
	 * class or byte order it does not know, we can say more. */
	if (fsize < SELFMAG || memcmp(raw, ELFMAG, SELFMAG) != 0)
		return elf_fail(path, "not an ELF file");
	if (fsize < EI_NIDENT)
		return elf_fail(path, "truncated ELF header");
	if (raw[EI_CLASS] == ELFCLASS64)
		return elf_fail(path, "64-bit ELF; TRV32 needs ELFCLASS32");
	if (raw[EI_CLASS] != ELFCLASS32)
		return elf_fail(path, "unknown ELF class %d", raw[EI_CLASS]);
	if (raw[EI_DATA] != ELFDATA2LSB)
		return elf_fail(path, "not little-endian; TRV32 needs ELFDATA2LSB");
	if (elf_kind(elf) != ELF_K_ELF)
		return elf_fail(path, "truncated or corrupt ELF header");
	if (!gelf_getehdr(elf, eh))
		return elf_fail(path, "truncated or bad ELF header (%s)", elf_errmsg(-1));
	if (eh->e_machine != EM_RISCV)
		return elf_fail(path, "not a RISC-V ELF (e_machine %u)", (unsigned)eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return elf_fail(path, "not a static executable (e_type %u, need ET_EXEC)",
				(unsigned)eh->e_type);
	return 0;
}

/* A header table (program or section headers) of `num` entries lies wholly
 * inside the file.  libelf quietly clamps a table that runs past the end
 * of a truncated file, so we look for ourselves. */
static int elf_check_table(const char *path, const char *what, uint64_t off, uint64_t num,
			   uint64_t entsize, Elf_Type type, size_t fsize)
{
	uint64_t want = gelf_fsize(NULL, type, 1, EV_CURRENT);

	if (num == 0)
		return 0;
	/* gelf_fsize(NULL, ...) is not defined for all libelfs: fall back. */
	if (want == 0)
		want = type == ELF_T_PHDR ? sizeof(Elf32_Phdr) : sizeof(Elf32_Shdr);
	if (entsize != want)
		return elf_fail(path, "bad %s entry size %llu (expected %llu)", what,
				(unsigned long long)entsize, (unsigned long long)want);
	if (num > fsize / entsize || !elf_range_inside(off, num * entsize, 0, fsize))
		return elf_fail(path, "truncated %s (%llu entries at offset %#llx)", what,
				(unsigned long long)num, (unsigned long long)off);
	return 0;
}

/* The program and section header tables are complete. */
static int elf_check_tables(Elf *elf, const char *path, const GElf_Ehdr *eh, size_t fsize)
{
	size_t nph, nsh;

	if (elf_getphdrnum(elf, &nph) != 0)
		return elf_fail(path, "bad program headers (%s)", elf_errmsg(-1));
	if (elf_getshdrnum(elf, &nsh) != 0)
		return elf_fail(path, "bad section headers (%s)", elf_errmsg(-1));
	/* e_phnum/e_shnum are the counts unless they overflowed 16 bits
	 * (PN_XNUM, 0): then libelf found the real count in section 0. */
	if (eh->e_phnum != PN_XNUM)
		nph = eh->e_phnum;
	if (eh->e_shnum != 0)
		nsh = eh->e_shnum;
	if (elf_check_table(path, "program headers", eh->e_phoff, nph, eh->e_phentsize, ELF_T_PHDR,
			    fsize) < 0 ||
	    elf_check_table(path, "section headers", eh->e_shoff, nsh, eh->e_shentsize, ELF_T_SHDR,
			    fsize) < 0)
		return -1;
	return 0;
}

/* Step 2: every PT_LOAD segment is sane and lies in RAM. */
static int elf_check_segments(Elf *elf, const char *path, size_t fsize, uint64_t ram_base,
			      uint64_t ram_size)
{
	size_t nph, nload = 0;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &nph) != 0)
		return elf_fail(path, "bad program headers (%s)", elf_errmsg(-1));
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return elf_fail(path, "truncated program headers (%s)", elf_errmsg(-1));
		if (ph.p_type != PT_LOAD)
			continue;
		nload++;
		if (ph.p_filesz > ph.p_memsz)
			return elf_fail(path, "segment %zu: p_filesz %#llx > p_memsz %#llx", i,
					(unsigned long long)ph.p_filesz,
					(unsigned long long)ph.p_memsz);
		if (!elf_range_inside(ph.p_offset, ph.p_filesz, 0, fsize))
			return elf_fail(path, "segment %zu: data beyond the end of the file", i);
		if (ph.p_memsz != 0 &&
		    !elf_range_inside(ph.p_paddr, ph.p_memsz, ram_base, ram_size))
			return elf_fail(
			    path, "segment %zu [%#llx, +%#llx) is outside RAM [%#llx, %#llx)", i,
			    (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz,
			    (unsigned long long)ram_base,
			    (unsigned long long)(ram_base + ram_size));
	}
	if (nload == 0)
		return elf_fail(path, "no PT_LOAD segment: nothing to load");
	return 0;
}

/* Keep functions, objects and labels (untyped symbols: `.globl _start`,
 * or a local `back2:` in assembly) that are defined somewhere.  Section
 * and file symbols name no place in the code, and a local absolute
 * symbol is an assembler constant (`.equ TF_SIZE, 140`), not an address. */
static int elf_symbol_wanted(const GElf_Sym *s)
{
	int type = GELF_ST_TYPE(s->st_info), bind = GELF_ST_BIND(s->st_info);
	if (s->st_shndx == SHN_UNDEF || (s->st_shndx == SHN_ABS && bind == STB_LOCAL))
		return 0;
	return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

/* Names that are not the programmer's: RISC-V mapping symbols ("$x",
 * "$xrv32i2p1...", "$d") mark code and data, and ".L" labels are the
 * assembler's own. */
static int elf_name_wanted(const char *name)
{
	return name && name[0] && name[0] != '$' && strncmp(name, ".L", 2) != 0;
}

/* Sort order: address; at one address functions first, then global
 * before local, then the larger symbol, then by name (so the order never
 * depends on qsort). */
static int elf_symbol_cmp(const void *pa, const void *pb)
{
	const struct elf_symbol *a = pa, *b = pb;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->is_func != b->is_func)
		return b->is_func - a->is_func;
	if (a->is_local != b->is_local)
		return a->is_local - b->is_local;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Append the wanted symbols of one SHT_SYMTAB section to `img`. */
static int elf_read_symtab(Elf *elf, const char *path, Elf_Scn *scn, const GElf_Shdr *sh,
			   struct elf_image *img)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	GElf_Sym s;

	if (!d || entsize == 0)
		return elf_fail(path, "unreadable symbol table (%s)", elf_errmsg(-1));
	size_t n = d->d_size / entsize;
	if (n == 0)
		return 0;
	/* Grow once for the whole section; n is bounded by the file size. */
	if (n > INT_MAX || n > SIZE_MAX / sizeof(*img->syms) - img->nsyms)
		return elf_fail(path, "symbol table too large");
	struct elf_symbol *syms = realloc(img->syms, (img->nsyms + n) * sizeof(*syms));
	if (!syms)
		return elf_fail(path, "out of memory for %zu symbols", n);
	img->syms = syms;
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getsym(d, (int)i, &s) || !elf_symbol_wanted(&s))
			continue;
		/* A bad name offset gives NULL: skip the symbol, not the file. */
		const char *name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!elf_name_wanted(name))
			continue;
		struct elf_symbol *e = &img->syms[img->nsyms];
		e->name = strdup(name);
		if (!e->name)
			return elf_fail(path, "out of memory for symbol names");
		e->addr = (uint32_t)s.st_value;
		e->size = (uint32_t)s.st_size;
		e->is_func = GELF_ST_TYPE(s.st_info) == STT_FUNC;
		e->is_local = GELF_ST_BIND(s.st_info) == STB_LOCAL;
		img->nsyms++;
	}
	return 0;
}

/* Step 3: every symbol table of the file, sorted by address. */
static int elf_read_symbols(Elf *elf, const char *path, struct elf_image *img)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t nsh;

	if (elf_getshdrnum(elf, &nsh) != 0)
		return elf_fail(path, "bad section headers (%s)", elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh))
			return elf_fail(path, "truncated section header (%s)", elf_errmsg(-1));
		if (sh.sh_type == SHT_SYMTAB && elf_read_symtab(elf, path, scn, &sh, img) < 0)
			return -1;
	}
	if (img->nsyms > 1)
		qsort(img->syms, img->nsyms, sizeof(*img->syms), elf_symbol_cmp);
	return 0;
}

/* Step 4: copy the (already checked) segments into guest RAM. */
static int elf_copy_segments(Elf *elf, const char *path, const char *raw, elf_load_segment_fn load,
			     void *ctx)
{
	size_t nph;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &nph) != 0)
		return elf_fail(path, "bad program headers (%s)", elf_errmsg(-1));
	for (size_t i = 0; i < nph; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return elf_fail(path, "truncated program headers (%s)", elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		/* Checked: inside RAM, which ends below 4 GiB, so these fit. */
		if (load(ctx, (uint32_t)ph.p_paddr, raw + ph.p_offset, (uint32_t)ph.p_filesz,
			 (uint32_t)ph.p_memsz) != 0)
			return elf_fail(path, "cannot load segment %zu at %#llx", i,
					(unsigned long long)ph.p_paddr);
	}
	return 0;
}

int elf_load(const char *path, uint64_t ram_base, uint64_t ram_size, elf_load_segment_fn load,
	     void *ctx, struct elf_image *img)
{
	GElf_Ehdr eh;
	Elf *elf = NULL;
	const char *raw;
	size_t fsize = 0;
	int fd, rc = -1;

	memset(img, 0, sizeof(*img));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return elf_fail(path, "libelf is too old (%s)", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return elf_fail(path, "cannot open: %s", strerror(errno));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		elf_fail(path, "not an ELF file (%s)", elf_errmsg(-1));
		goto out_close;
	}
	/* The whole file in memory: segment data is read from here. */
	raw = elf_rawfile(elf, &fsize);
	if (!raw) {
		elf_fail(path, "cannot read (%s)", elf_errmsg(-1));
		goto out_end;
	}
	if (elf_check_header(elf, path, raw, fsize, &eh) < 0 ||
	    elf_check_tables(elf, path, &eh, fsize) < 0 ||
	    elf_check_segments(elf, path, fsize, ram_base, ram_size) < 0)
		goto out_end;
	if (!elf_range_inside(eh.e_entry, 1, ram_base, ram_size)) {
		elf_fail(path, "entry point %#llx is outside RAM", (unsigned long long)eh.e_entry);
		goto out_end;
	}
	if (elf_read_symbols(elf, path, img) < 0 ||
	    elf_copy_segments(elf, path, raw, load, ctx) < 0)
		goto out_end;
	img->entry = (uint32_t)eh.e_entry;
	rc = 0;
out_end:
	elf_end(elf);
out_close:
	close(fd);
	if (rc < 0)
		elf_image_free(img);
	return rc;
}

const struct elf_symbol *elf_symbol_at(const struct elf_image *img, uint32_t addr)
{
	size_t lo = 0, hi = img->nsyms;
	const struct elf_symbol *best = NULL;

	/* lo = the first symbol above addr; all before it start at or below. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* Walk down to the innermost symbol that contains addr.  Once one is
	 * found, only its address group is looked at further: at one address
	 * the sort puts functions, then bigger symbols, first. */
	for (size_t i = lo; i-- > 0;) {
		const struct elf_symbol *s = &img->syms[i];
		if (best && s->addr != best->addr)
			break;
		if (s->size != 0 && addr - s->addr < s->size)
			best = s;
	}
	if (best)
		return best;
	/* Nothing contains addr: the first symbol of the nearest address. */
	size_t i = lo - 1;
	while (i > 0 && img->syms[i - 1].addr == img->syms[lo - 1].addr)
		i--;
	return &img->syms[i];
}

const struct elf_symbol *elf_symbol_named(const struct elf_image *img, const char *name)
{
	const struct elf_symbol *local = NULL;
	/* Two files may each have a local `loop`, and one of them a global
	 * too: the global is the name the whole program means. */
	for (size_t i = 0; i < img->nsyms; i++)
		if (strcmp(img->syms[i].name, name) == 0) {
			if (!img->syms[i].is_local)
				return &img->syms[i];
			if (!local)
				local = &img->syms[i];
		}
	return local;
}

void elf_image_free(struct elf_image *img)
{
	for (size_t i = 0; i < img->nsyms; i++)
		free(img->syms[i].name);
	free(img->syms);
	memset(img, 0, sizeof(*img));
}
