/*
 * fuzz_qcow2.c -- libFuzzer target for the qcow2 image parser.
 *
 * The input is a whole image file.  qcow2_check_buffer validates it as
 * the disk layer's open would -- header, header extensions, the L1 table,
 * every L2 table and the refcount table -- without opening a backing file
 * or writing anything.  Besides the sanitizers' checks, a refusal must
 * come with its reason as one line of text (what the user sees before
 * exit 2).
 */
#include <stdlib.h>
#include <string.h>

#include "devices/qcow2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256];
	memset(why, 'x', sizeof(why));
	if (qcow2_check_buffer(data, size, why, sizeof(why)) == 0)
		return 0;
	size_t n = strnlen(why, sizeof(why));
	if (n == sizeof(why) || n == 0 || memchr(why, '\n', n))
		abort(); /* no reason, or not one line */
	return 0;
}
