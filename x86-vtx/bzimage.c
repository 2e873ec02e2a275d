/*
 * bzimage.c -- read a Linux bzImage and check its setup header, following
 * the x86 boot protocol (Documentation/arch/x86/boot.rst in Linux).
 *
 * A bzImage is two programs glued together:
 *
 *   file offset 0        +---------------------------+
 *                        | boot sector (512 bytes),  |  0x1f1: setup header
 *                        | then real-mode setup code |  starts in it
 *   (setup_sects+1)*512  +---------------------------+
 *                        | protected/long-mode kernel|  loaded at 1 MiB; its
 *                        | (decompressor + payload)  |  64-bit entry is +0x200
 *                        +---------------------------+
 *
 * A BIOS boot loader runs the real-mode part, which calls the BIOS and
 * enters the kernel in 32-bit mode.  A monitor has no BIOS, so it does what
 * the setup code would (fill the "zero page", zeropage.c) and jumps
 * straight into the 64-bit entry point with paging already on (longmode.c).
 */
#include "x86-vtx/boot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BZ_HDR_OFF	0x1f1	   /* the setup header in the file and the zero page */
#define BZ_MAGIC	0x53726448 /* "HdrS" at 0x202 */
#define BZ_BOOT_FLAG	0xaa55	   /* at 0x1fe, the old boot-sector signature */
#define BZ_MIN_PROTOCOL 0x20c	   /* 2.12: xloadflags, so the 64-bit entry is known */
#define BZ_MAX_FILE	(256u << 20)

/* Read a whole file into memory (for bzImage and initrd). */
int vtx_read_file(const char *path, const char *what, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "x86: %s %s: %s\n", what, path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BZ_MAX_FILE) {
		fprintf(stderr, "x86: %s %s: not a regular file of at most 256 MiB\n", what, path);
		fclose(f);
		return -1;
	}
	*size = (size_t)st.st_size;
	*data = malloc(*size ? *size : 1);
	if (!*data || fread(*data, 1, *size, f) != *size) {
		fprintf(stderr, "x86: %s %s: read failed\n", what, path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

int vtx_bzimage_parse(const char *path, const uint8_t *file, size_t size, struct vtx_bzimage *bz)
{
	memset(bz, 0, sizeof(*bz));
	/* The header's own length: 0x202 plus the byte at 0x201 (the target
	 * of the short jump at 0x200 that skips the header). */
	if (size < 0x264 + 4) {
		fprintf(stderr, "x86: %s: too small to be a bzImage\n", path);
		return -1;
	}
	const struct setup_header *h = (const struct setup_header *)(file + BZ_HDR_OFF);
	if (h->header != BZ_MAGIC || h->boot_flag != BZ_BOOT_FLAG) {
		fprintf(stderr, "x86: %s: not a Linux bzImage (no \"HdrS\" setup header)\n", path);
		return -1;
	}
	if (h->version < BZ_MIN_PROTOCOL) {
		fprintf(stderr,
			"x86: %s: boot protocol %u.%02u is too old; the 64-bit entry needs 2.12 "
			"(Linux 3.8) or later\n",
			path, h->version >> 8, h->version & 0xff);
		return -1;
	}
	/* loadflags.LOADED_HIGH: the protected-mode code runs at 1 MiB (every
	 * bzImage); a zImage (loaded at 64 KiB) cannot be booted this way. */
	if (!(h->loadflags & LOADED_HIGH)) {
		fprintf(stderr, "x86: %s: a zImage (not loaded high); need a bzImage\n", path);
		return -1;
	}
	/* xloadflags.XLF_KERNEL_64: there is a 64-bit entry at +0x200. */
	if (!(h->xloadflags & XLF_KERNEL_64)) {
		fprintf(stderr, "x86: %s: a 32-bit kernel (no XLF_KERNEL_64); need x86-64\n", path);
		return -1;
	}
	/* setup_sects == 0 means 4, for compatibility with very old loaders. */
	unsigned sects = h->setup_sects ? h->setup_sects : 4;
	size_t setup = ((size_t)sects + 1) * 512;
	if (setup >= size) {
		fprintf(stderr, "x86: %s: setup_sects %u points past the end of the file\n", path,
			sects);
		return -1;
	}
	size_t hdr_end = 0x202 + file[0x201];
	if (hdr_end > setup || hdr_end < 0x264) {
		fprintf(stderr, "x86: %s: setup header length %zu is impossible\n", path, hdr_end);
		return -1;
	}
	bz->file = file;
	bz->hdr = h;
	bz->hdr_len = hdr_end - BZ_HDR_OFF;
	bz->kernel = file + setup;
	bz->kernel_size = size - setup;
	bz->protocol = h->version;
	/* init_size: memory the kernel needs from its load address while it
	 * decompresses itself; nothing of ours may sit inside it. */
	bz->init_size = h->init_size > bz->kernel_size ? h->init_size : bz->kernel_size;
	/* initrd_addr_max: the highest address the initrd's last byte may
	 * have (older kernels: 0x37ffffff). */
	bz->initrd_addr_max = h->initrd_addr_max ? h->initrd_addr_max : 0x37ffffff;
	bz->cmdline_max = h->cmdline_size ? h->cmdline_size : 255;
	return 0;
}
