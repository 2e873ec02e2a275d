/*
 * dmacopy -- copy a buffer with the DMA copy engine (`run --assign dma`),
 * a few times, and check every byte.  The kernel sleeps until the
 * engine's interrupt; the program sees only the system call.
 *   dmacopy[:BYTES]   BYTES per copy (default 3000, at most 4096)
 * Exit status 0 only if every copy was done and right.
 */
#include "user/lib/ulib.h"

#define ROUNDS 4

static unsigned char src[4096], dst[4096];

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000;
	if (n < 1 || n > 4096) {
		printf("dmacopy: BYTES must be 1..4096\n");
		return 2;
	}
	int bad = 0;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < n; i++) {
			src[i] = (unsigned char)(i * 7 + r * 13 + 3);
			dst[i] = 0;
		}
		int st = dmacopy(dst, src, n);
		if (st < 0) {
			printf("dmacopy: no DMA engine (run with --assign dma)\n");
			return 1;
		}
		for (int i = 0; i < n; i++)
			bad += dst[i] != src[i];
		bad += st != 1;
	}
	printf("dmacopy: %d copies of %d bytes, %s\n", ROUNDS, n, bad ? "WRONG" : "all right");
	return bad ? 1 : 0;
}
