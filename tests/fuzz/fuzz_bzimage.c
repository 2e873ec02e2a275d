/*
 * fuzz_bzimage.c -- libFuzzer target for the bzImage setup-header checks of
 * the x86 backend (vtx_bzimage_parse).
 *
 * When the parser accepts an input, everything it describes must lie inside
 * the input: the header it will copy to the zero page and the kernel it
 * will load.  The target reads those bytes (AddressSanitizer catches a
 * read past the end) and checks the limits it derived.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "x86-vtx/boot.h"

static volatile uint8_t fuzz_sink; /* keeps the reads below */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that any read past the end is caught. */
	uint8_t *file = malloc(size ? size : 1);
	if (!file)
		abort();
	memcpy(file, data, size);
	struct vtx_bzimage bz;
	if (vtx_bzimage_parse("fuzz", file, size, &bz) == 0) {
		const uint8_t *end = file + size;
		if ((const uint8_t *)bz.hdr + bz.hdr_len > end || bz.kernel < file ||
		    bz.kernel + bz.kernel_size != end || bz.kernel_size == 0 ||
		    bz.init_size < bz.kernel_size || bz.cmdline_max == 0)
			abort();
		for (size_t i = 0; i < bz.hdr_len; i++)
			fuzz_sink += ((const uint8_t *)bz.hdr)[i];
		fuzz_sink += bz.kernel[0] + bz.kernel[bz.kernel_size - 1];
	}
	free(file);
	return 0;
}
