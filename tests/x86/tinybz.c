/*
 * tinybz.c -- hand-made bzImages for the x86 tests (see tinybz.h).
 */
#include "tests/x86/tinybz.h"

#include <asm/bootparam.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *tinybz_image(uint16_t version, uint8_t loadflags, uint16_t xloadflags)
{
	uint8_t *f = calloc(1, TINYBZ_SIZE);
	if (!f)
		return NULL;
	struct setup_header *h = (struct setup_header *)(f + 0x1f1);
	h->setup_sects = 1;
	h->boot_flag = 0xaa55;
	h->header = 0x53726448; /* "HdrS" */
	h->version = version;
	h->loadflags = loadflags;
	h->xloadflags = xloadflags;
	h->init_size = 1 << 20;
	h->initrd_addr_max = 0x7fffffff;
	h->cmdline_size = 2047;
	f[0x200] = 0xeb;	  /* jmp over the header ... */
	f[0x201] = 0x264 - 0x202; /* ... which ends at 0x264 */
	return f;
}

int tinybz_write(const char *path, uint32_t outs)
{
	static const uint8_t loop[] = {
		0xb9, 0,    0, 0, 0, /* mov ecx, outs */
		0xe6, 0x80,	     /* 1: out 0x80, al */
		0xe2, 0xfc,	     /* loop 1b */
		0x0f, 0x0b,	     /* ud2 */
	};
	uint8_t *f = tinybz_image(0x20f, LOADED_HIGH, XLF_KERNEL_64);
	if (!f)
		return -1;
	uint8_t *entry = f + 2 * 512 + 0x200; /* the 64-bit entry */
	memcpy(entry, loop, sizeof(loop));
	memcpy(entry + 1, &outs, 4);
	FILE *out = fopen(path, "wb");
	int ok = out && fwrite(f, 1, TINYBZ_SIZE, out) == TINYBZ_SIZE;
	if (out && fclose(out) != 0)
		ok = 0;
	free(f);
	return ok ? 0 : -1;
}
