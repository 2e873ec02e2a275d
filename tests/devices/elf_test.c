/*
 * elf_test.c -- the ELF loader: a real guest built by the RISC-V cross
 * compiler (see tests/devices/module.mk) loads with the right bytes,
 * entry and symbols; hostile files -- missing, garbage, truncated at every
 * length, a 64-bit host binary, and tiny.elf with one header field broken
 * at a time, or random bytes flipped -- are refused with one line
 * `trapvisor: FILE: reason`, and never crash the loader.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa-toy/elf_load.h"
#include "tests/devices/capture.h"

#define RAM_BASE 0x80000000u
#define RAM_SIZE (1u << 20)

/* Fake guest RAM; the load callback checks what the loader promised. */
struct ram {
	uint8_t *mem;
	int calls;
};

static struct ram ram;
static char tmp_dir[] = "/tmp/trv-elf-XXXXXX";
static char msg[4096];

static int ram_load(void *ctx, uint32_t paddr, const void *src, uint32_t filesz, uint32_t memsz)
{
	struct ram *r = ctx;
	cr_assert_eq(r, &ram);
	cr_assert_leq(filesz, memsz);
	cr_assert(paddr >= RAM_BASE && memsz <= RAM_SIZE && paddr - RAM_BASE <= RAM_SIZE - memsz,
		  "segment [%#x, +%#x) handed out of RAM", paddr, memsz);
	memcpy(r->mem + (paddr - RAM_BASE), src, filesz);
	memset(r->mem + (paddr - RAM_BASE) + filesz, 0, memsz - filesz);
	r->calls++;
	return 0;
}

static void setup(void)
{
	ram.mem = malloc(RAM_SIZE);
	cr_assert_not_null(ram.mem);
	memset(ram.mem, 0xaa, RAM_SIZE); /* so .bss zeroing shows */
	ram.calls = 0;
	cr_assert_not_null(mkdtemp(tmp_dir));
}

static void teardown(void)
{
	char cmd[128];
	free(ram.mem);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp_dir);
}

TestSuite(elf, .init = setup, .fini = teardown);

/* A guest built by tests/devices/module.mk: DEVTEST_DIR/NAME. */
static const char *guest(const char *name)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", DEVTEST_DIR, name);
	cr_assert_eq(access(path, R_OK), 0, "%s missing: build it with make test-devices", path);
	return path;
}

/* Load `path` with stderr captured into msg. */
static int load(const char *path, struct elf_image *img)
{
	struct capture cap;
	capture_begin(&cap);
	int rc = elf_load(path, RAM_BASE, RAM_SIZE, ram_load, &ram, img);
	capture_end(&cap, msg, sizeof(msg));
	return rc;
}

/* Expect `path` to be refused with one line naming it and `reason`. */
static void expect_refused(const char *path, const char *reason)
{
	struct elf_image img;
	char prefix[PATH_MAX + 32];
	cr_assert_eq(load(path, &img), -1, "%s was accepted", path);
	cr_assert_eq(img.nsyms, 0, "image left empty");
	cr_assert_null(img.syms);
	cr_assert_eq(ram.calls, 0, "nothing loaded before the file was refused");
	snprintf(prefix, sizeof(prefix), "trapvisor: %s: ", path);
	cr_assert_eq(strncmp(msg, prefix, strlen(prefix)), 0, "message: %s", msg);
	cr_assert_not_null(strchr(msg, '\n'));
	cr_assert_eq(strchr(msg, '\n')[1], '\0', "one line only: %s", msg);
	if (reason)
		cr_assert_not_null(strstr(msg, reason), "want \"%s\" in: %s", reason, msg);
}

/* The whole of a file, malloc'd. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	cr_assert_gt(n, 0);
	rewind(f);
	uint8_t *buf = malloc((size_t)n);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static const char *spit(const char *name, const void *data, size_t size)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", tmp_dir, name);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, size, f), size);
	fclose(f);
	return path;
}

/* tiny.elf with a few bytes changed, as a test wants it broken. */
struct patched {
	uint8_t *b;
	size_t size;
	Elf32_Ehdr *eh;
	Elf32_Phdr *load; /* the first PT_LOAD */
	Elf32_Shdr *symtab;
};

static struct patched patched_tiny(void)
{
	struct patched p;
	p.b = slurp(guest("tiny.elf"), &p.size);
	p.eh = (Elf32_Ehdr *)p.b;
	p.load = NULL;
	p.symtab = NULL;
	for (int i = 0; i < p.eh->e_phnum; i++) {
		Elf32_Phdr *ph = (Elf32_Phdr *)(p.b + p.eh->e_phoff) + i;
		if (ph->p_type == PT_LOAD && !p.load)
			p.load = ph;
	}
	for (int i = 0; i < p.eh->e_shnum; i++) {
		Elf32_Shdr *sh = (Elf32_Shdr *)(p.b + p.eh->e_shoff) + i;
		if (sh->sh_type == SHT_SYMTAB)
			p.symtab = sh;
	}
	cr_assert(p.load && p.symtab, "tiny.elf has a PT_LOAD and a symtab");
	return p;
}

static void refused_patched(struct patched *p, const char *reason)
{
	expect_refused(spit("patched.elf", p->b, p->size), reason);
	free(p->b);
}

Test(elf, loads_tiny_guest)
{
	struct elf_image img;
	cr_assert_eq(load(guest("tiny.elf"), &img), 0, "%s", msg);
	cr_assert_str_empty(msg);
	cr_assert_eq(img.entry, RAM_BASE);
	cr_assert_geq(ram.calls, 1);

	const struct elf_symbol *start = elf_symbol_named(&img, "_start");
	const struct elf_symbol *foo = elf_symbol_named(&img, "foo");
	const struct elf_symbol *inner = elf_symbol_named(&img, "foo_inner");
	const struct elf_symbol *counter = elf_symbol_named(&img, "counter");
	const struct elf_symbol *buf = elf_symbol_named(&img, "buf");
	cr_assert(start && foo && inner && counter && buf, "kept all symbol kinds");
	cr_assert_null(elf_symbol_named(&img, "no_such_symbol"));
	cr_assert_eq(start->addr, img.entry);
	cr_assert_eq(start->is_func, 0);
	cr_assert_eq(foo->is_func, 1);
	cr_assert_eq(foo->size, 12);
	cr_assert_eq(inner->addr, foo->addr + 4);
	cr_assert_eq(counter->size, 4);
	cr_assert_eq(buf->size, 64);

	/* bytes: the first instruction is `jal foo` (foo 8 bytes on: 0x008000ef),
	 * the segment matches the file, .data holds its initialiser, .bss is
	 * zeroed */
	uint8_t *at = ram.mem + (img.entry - RAM_BASE);
	cr_assert_eq(at[0] | at[1] << 8 | at[2] << 16 | (uint32_t)at[3] << 24, 0x008000efu);
	struct patched file = patched_tiny();
	cr_assert_arr_eq(ram.mem + (file.load->p_paddr - RAM_BASE), file.b + file.load->p_offset,
			 file.load->p_filesz);
	free(file.b);
	uint8_t *c = ram.mem + (counter->addr - RAM_BASE);
	cr_assert_eq(c[0] | c[1] << 8 | c[2] << 16 | (uint32_t)c[3] << 24, 0x12345678u);
	for (uint32_t i = 0; i < buf->size; i++)
		cr_assert_eq(ram.mem[buf->addr - RAM_BASE + i], 0, ".bss byte %u", i);

	/* sorted by address */
	for (size_t i = 1; i < img.nsyms; i++)
		cr_assert_leq(img.syms[i - 1].addr, img.syms[i].addr);
	for (size_t i = 0; i < img.nsyms; i++)
		cr_assert_neq(img.syms[i].name[0], '\0');

	/* lookups by address */
	cr_assert_eq(elf_symbol_at(&img, foo->addr), foo);
	cr_assert_eq(elf_symbol_at(&img, foo->addr + 8), foo, "inside foo, after its label");
	cr_assert_eq(elf_symbol_at(&img, inner->addr), foo, "containing function wins");
	cr_assert_eq(elf_symbol_at(&img, start->addr + 4), start, "nearest preceding");
	cr_assert_eq(elf_symbol_at(&img, counter->addr + 3), counter);
	cr_assert_eq(elf_symbol_at(&img, buf->addr + 63), buf);
	cr_assert_null(elf_symbol_at(&img, RAM_BASE - 1));
	elf_image_free(&img);
	cr_assert_eq(img.nsyms, 0);
	elf_image_free(&img); /* twice is fine */
}

Test(elf, symbol_lookup_on_empty_image)
{
	struct elf_image img = { 0 };
	cr_assert_null(elf_symbol_at(&img, 0x80000000));
	cr_assert_null(elf_symbol_named(&img, "x"));
}

Test(elf, segment_below_ram)
{
	/* linked with -Ttext alone: ld maps the ELF header just below RAM */
	expect_refused(guest("hdrseg.elf"), "outside RAM");
	expect_refused(guest("far.elf"), "outside RAM");
}

Test(elf, missing_garbage_empty)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/does-not-exist.elf", tmp_dir);
	expect_refused(path, "cannot open");
	expect_refused(tmp_dir, NULL); /* a directory */
	expect_refused(spit("empty", "", 0), "not an ELF file");
	expect_refused(spit("text", "#!/bin/sh\necho hello\n", 21), "not an ELF file");
	uint8_t noise[4096];
	srand(1);
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)rand();
	expect_refused(spit("noise", noise, sizeof(noise)), "not an ELF file");
	expect_refused(spit("magic", "\177ELF", 4), NULL);
}

Test(elf, host_binary_refused)
{
	/* whatever the host is, its /bin/true is not a TRV32 guest */
	const char *host = "/bin/true";
	size_t size;
	uint8_t *bytes = slurp(host, &size);
	expect_refused(host, NULL);
	if (size > EI_CLASS && bytes[EI_CLASS] == ELFCLASS64)
		cr_assert_not_null(strstr(msg, "64-bit ELF; TRV32 needs ELFCLASS32"), "%s", msg);
	free(bytes);
}

Test(elf, every_truncation_refused)
{
	size_t size;
	uint8_t *bytes = slurp(guest("tiny.elf"), &size);
	for (size_t n = 0; n < size; n++) {
		const char *path = spit("cut.elf", bytes, n);
		expect_refused(path, NULL);
	}
	free(bytes);
}

Test(elf, wrong_identity)
{
	struct patched p;
	p = patched_tiny(), p.b[EI_CLASS] = 7, refused_patched(&p, "unknown ELF class");
	p = patched_tiny(), p.b[EI_DATA] = ELFDATA2MSB, refused_patched(&p, "not little-endian");
	p = patched_tiny(), p.eh->e_machine = EM_X86_64, refused_patched(&p, "not a RISC-V");
	p = patched_tiny(), p.eh->e_type = ET_DYN, refused_patched(&p, "ET_EXEC");
	p = patched_tiny(), p.eh->e_type = ET_REL, refused_patched(&p, "ET_EXEC");
	/* a 64-bit class byte on a 32-bit body */
	p = patched_tiny(), p.b[EI_CLASS] = ELFCLASS64, refused_patched(&p, "64-bit ELF");
}

Test(elf, broken_header_tables)
{
	struct patched p;
	p = patched_tiny(), p.eh->e_phoff = 0xfffffff0, refused_patched(&p, "program headers");
	p = patched_tiny(), p.eh->e_phoff = (Elf32_Off)p.size - 8,
	refused_patched(&p, "program headers");
	p = patched_tiny(), p.eh->e_phnum = 0xfff0, refused_patched(&p, "program headers");
	p = patched_tiny(), p.eh->e_phentsize = 31, refused_patched(&p, "program headers");
	p = patched_tiny(), p.eh->e_shoff = (Elf32_Off)p.size - 8,
	refused_patched(&p, "section headers");
	p = patched_tiny(), p.eh->e_shoff = 0xffffffd8, refused_patched(&p, NULL);
	p = patched_tiny(), p.eh->e_phnum = 0, refused_patched(&p, "no PT_LOAD");
}

Test(elf, broken_segments)
{
	struct patched p;
	p = patched_tiny(), p.load->p_type = PT_NULL;
	for (int i = 0; i < p.eh->e_phnum; i++)
		if (((Elf32_Phdr *)(p.b + p.eh->e_phoff))[i].p_type == PT_LOAD)
			((Elf32_Phdr *)(p.b + p.eh->e_phoff))[i].p_type = PT_NOTE;
	refused_patched(&p, "no PT_LOAD");
	p = patched_tiny(), p.load->p_filesz = p.load->p_memsz + 1, refused_patched(&p, "p_filesz");
	p = patched_tiny(), p.load->p_offset = 0xffffff00, refused_patched(&p, "end of the file");
	p = patched_tiny(), p.load->p_filesz = p.load->p_memsz = 0x7fffffff,
	refused_patched(&p, "end of the file");
	p = patched_tiny(), p.load->p_paddr = 0x1000, refused_patched(&p, "outside RAM");
	p = patched_tiny(), p.load->p_paddr = RAM_BASE + RAM_SIZE - 4,
	refused_patched(&p, "outside RAM");
	/* p_paddr + p_memsz wraps around 2^32 to a small "end" */
	p = patched_tiny(), p.load->p_paddr = 0xfffff000, p.load->p_memsz = 0x2000,
	refused_patched(&p, "outside RAM");
	p = patched_tiny(), p.load->p_paddr = RAM_BASE + 0x100, p.load->p_memsz = 0xffffffff,
	refused_patched(&p, "outside RAM");
	p = patched_tiny(), p.eh->e_entry = 0x1000, refused_patched(&p, "entry point");
}

Test(elf, broken_symbol_table)
{
	struct patched p;
	p = patched_tiny(), p.symtab->sh_offset = 0xfffffff0, refused_patched(&p, "symbol table");
	p = patched_tiny(), p.symtab->sh_size = 0x7ffffff0, refused_patched(&p, "symbol table");

	/* names that point nowhere are skipped, not fatal */
	struct elf_image img;
	p = patched_tiny();
	p.symtab->sh_link = 999;
	int rc = load(spit("badlink.elf", p.b, p.size), &img);
	cr_assert_eq(rc, 0, "%s", msg);
	cr_assert_eq(img.nsyms, 0);
	elf_image_free(&img);
	free(p.b);
}

/* Random damage to the headers and tables: any outcome but a crash, and
 * whatever loads stays in RAM (ram_load asserts that). */
Test(elf, random_damage_never_crashes)
{
	size_t size;
	uint8_t *orig = slurp(guest("tiny.elf"), &size);
	uint8_t *b = malloc(size);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)orig;
	size_t shdr_end = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	struct capture cap;
	char path[PATH_MAX];
	int accepted = 0, dirty = 0;

	cr_assert_leq(shdr_end, size);
	snprintf(path, sizeof(path), "%s/fuzz.elf", tmp_dir);
	srand(12345);
	capture_begin(&cap); /* thousands of messages */
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(b, orig, size);
		int flips = 1 + rand() % 4;
		for (int i = 0; i < flips; i++) {
			/* half in the ELF and program headers, half in the section headers */
			size_t at = rand() % 2
					? (size_t)rand() % (eh->e_phoff + 2 * sizeof(Elf32_Phdr))
					: eh->e_shoff + (size_t)rand() % (shdr_end - eh->e_shoff);
			b[at] = (uint8_t)rand();
		}
		FILE *f = fopen(path, "wb");
		fwrite(b, 1, size, f);
		fclose(f);
		struct elf_image img;
		int rc = elf_load(path, RAM_BASE, RAM_SIZE, ram_load, &ram, &img);
		if (rc == 0)
			accepted++;
		else if (img.nsyms != 0 || img.syms != NULL)
			dirty++;
		elf_image_free(&img);
	}
	capture_end(&cap, msg, sizeof(msg));
	cr_assert_eq(dirty, 0, "a refused file must leave the image empty");
	cr_assert_lt(accepted, 3000, "some damage must be noticed");
	free(b);
	free(orig);
}
