/*
 * fuzz_snapshot.c -- libFuzzer target for the snapshot loader
 * (core/state.c): the input is a whole snapshot file, as `trapvisor
 * resume` reads it.  state_load_mem checks it and builds a monitor or a
 * bare machine from it, or refuses; besides the sanitizers' checks, a
 * refusal must come with its reason as one line of text, and a success
 * must have built exactly one of the two.
 *
 * A snapshot names its VMs' RAM sizes, up to a gigabyte each; building
 * that much for every input would only measure calloc, so inputs whose
 * run section asks for more than 16 MiB in all are skipped (the sizes'
 * own checks are the run section's, reached by smaller ones too).
 */
#include <stdlib.h>
#include <string.h>

#include "core/state.h"

#define FUZZ_RAM_MAX (16u << 20)

/* The RAM the run section asks for: its body starts at byte 32 (the
 * 16-byte header, the section's 16-byte header), the VM count at 17 in
 * it, the sizes after. */
static uint64_t fuzz_ram(const uint8_t *d, size_t n)
{
	struct sbuf b = sbuf_reader(d, n);
	b.pos = 32 + 17;
	uint32_t nvm = sbuf_get_u32(&b);
	uint64_t total = 0;
	for (uint32_t i = 0; i < nvm && i < 8 && !b.bad; i++)
		total += sbuf_get_u32(&b);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_ram(data, size) > FUZZ_RAM_MAX)
		return 0;
	char why[256];
	memset(why, 'x', sizeof(why));
	struct state_loaded l;
	if (state_load_mem(data, size, -1, &l, why, sizeof(why)) == 0) {
		if (!l.mon == !l.machine)
			abort();
		state_loaded_free(&l);
		return 0;
	}
	size_t n = strnlen(why, sizeof(why));
	if (n == sizeof(why) || n == 0 || memchr(why, '\n', n) || l.mon || l.machine)
		abort(); /* no reason, not one line, or something left built */
	return 0;
}
