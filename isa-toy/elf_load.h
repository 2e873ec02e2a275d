/*
 * elf_load.h -- load a TRV32 guest from an ELF executable (with libelf).
 *
 * What a guest ELF must be: ELFCLASS32, little-endian, EM_RISCV, ET_EXEC,
 * with at least one PT_LOAD segment, and every segment inside RAM.  Each
 * PT_LOAD segment is copied to its *physical* address p_paddr (a kernel
 * linked to run at a virtual address still loads where p_paddr says):
 *
 *   file:  | ehdr | phdrs | ... segment bytes (p_filesz) ... |
 *                               |  p_offset
 *                               v
 *   RAM:   p_paddr [ p_filesz bytes from the file | zeros ] p_paddr + p_memsz
 *                                                 ^ .bss
 *
 * Anything else is refused before a byte is loaded, with one line on
 * stderr, `trapvisor: FILE: <reason>`, and -1 (the command line exits 2).
 * Every offset and size from the file is checked with overflow-safe
 * arithmetic: a hostile file gets a message, never a crash.
 *
 * The symbol table (functions, objects and named labels, global and local) is kept,
 * sorted by address, for the debugger, traces and statistics.
 */
#ifndef ISA_TOY_ELF_LOAD_H
#define ISA_TOY_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct elf_symbol {
	uint32_t addr, size; /* st_value, st_size (0 for labels) */
	int is_func;	     /* STT_FUNC */
	int is_local;	     /* STB_LOCAL: one file's own (`t` in nm) */
	char *name;	     /* owned by the image */
};

struct elf_image {
	uint32_t entry;		 /* e_entry: where the hart starts */
	struct elf_symbol *syms; /* sorted by addr */
	size_t nsyms;
};

/* Copy filesz bytes of a segment to guest physical paddr and zero the rest
 * up to memsz.  Called only for ranges already checked to lie in RAM.
 * Returns 0, or non-zero if it could not (the load fails). */
typedef int (*elf_load_segment_fn)(void *ctx, uint32_t paddr, const void *src, uint32_t filesz,
				   uint32_t memsz);

/* Check the ELF file `path`, then load each PT_LOAD segment through
 * `load(ctx, ...)`, and fill `img` (entry point and symbols; free it with
 * elf_image_free).  RAM is [ram_base, ram_base + ram_size).  Returns 0, or
 * -1 with a one-line message on stderr; `img` is then empty. */
int elf_load(const char *path, uint64_t ram_base, uint64_t ram_size, elf_load_segment_fn load,
	     void *ctx, struct elf_image *img);

/* The symbol for `addr`: the function or object whose [addr, addr+size)
 * contains it if there is one, else the nearest symbol below it.  NULL if
 * no symbol starts at or below `addr`.  Costs a binary search plus a scan
 * back over the symbols below `addr` (debugger use, not per instruction). */
const struct elf_symbol *elf_symbol_at(const struct elf_image *img, uint32_t addr);

/* The symbol called `name`: a global (or weak) one if there is one, else
 * the lowest-addressed local one of that name; NULL if none. */
const struct elf_symbol *elf_symbol_named(const struct elf_image *img, const char *name);

/* Free the symbols of `img` and empty it.  Safe on an empty image. */
void elf_image_free(struct elf_image *img);

#endif
