/*
 * disk -- write a pattern over part of the disk, read it back, compare.
 *   disk[:KIB[:SECTOR[:io]]]  KIB kibibytes (default 64) from SECTOR (64)
 * With `io` the program only moves the data -- the same system calls,
 * no pattern computed or checked -- for `trapvisor bench disks`, whose
 * figures should be the disk's and not the checksum loop's.
 *
 * Sector s, 32-bit word w (0..127) of the pattern holds
 *   x = (s * 128 + w) * 0x9E3779B1 (mod 2^32), then x ^ (x >> 15)
 * so every word of the disk is different and a misplaced sector shows.
 * Both passes print an FNV-1a checksum of the words they moved; the exit
 * status is 0 only if every word read back is the one written.
 */
#include "user/lib/ulib.h"

#define SECTOR	      512
#define CHUNK_SECTORS 8 /* 4 KiB per system call */
#define WORDS	      (CHUNK_SECTORS * SECTOR / 4)

static uint32_t buf[WORDS];

static uint32_t pattern(uint32_t sector, uint32_t word)
{
	uint32_t x = (sector * (SECTOR / 4) + word) * 0x9E3779B1u;
	return x ^ (x >> 15);
}

/* fnv: fold n words into the FNV-1a hash h. */
static uint32_t fnv(uint32_t h, const uint32_t *w, int n)
{
	for (int i = 0; i < n; i++) {
		h ^= w[i];
		h *= 16777619u;
	}
	return h;
}

/* io_only: write then read `count` sectors from `first`, nothing else. */
static int io_only(uint32_t first, uint32_t count, uint32_t kib)
{
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t s = first; s < first + count; s += CHUNK_SECTORS) {
			int n = first + count - s < CHUNK_SECTORS ? (int)(first + count - s)
								  : CHUNK_SECTORS;
			if ((pass ? diskread(s, buf, n) : diskwrite(s, buf, n)) < 0) {
				printf("disk: I/O failed at sector %u\n", s);
				return 1;
			}
		}
	printf("disk: moved %u KiB\n", 2 * kib);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t kib = (uint32_t)arg_int(argc, argv, 1, 64);
	uint32_t first = (uint32_t)arg_int(argc, argv, 2, 64);
	uint32_t size = (uint32_t)diskinfo();
	uint32_t count = kib * 1024 / SECTOR;

	if (argc > 3 && !strcmp(argv[3], "io"))
		return io_only(first, count, kib);
	if (size == 0) {
		printf("disk: no disk\n");
		return 1;
	}
	printf("disk: %u sectors (%u KiB)\n", size, size / 2);
	if (first > size || count > size - first) {
		printf("disk: %u KiB from sector %u do not fit\n", kib, first);
		return 1;
	}

	uint32_t wsum = 2166136261u;
	for (uint32_t s = first; s < first + count; s += CHUNK_SECTORS) {
		int n =
		    first + count - s < CHUNK_SECTORS ? (int)(first + count - s) : CHUNK_SECTORS;
		for (int i = 0; i < n * SECTOR / 4; i++)
			buf[i] =
			    pattern(s + (uint32_t)i / (SECTOR / 4), (uint32_t)i % (SECTOR / 4));
		if (diskwrite(s, buf, n) < 0) {
			printf("disk: write failed at sector %u\n", s);
			return 1;
		}
		wsum = fnv(wsum, buf, n * SECTOR / 4);
	}
	printf("disk: wrote %u KiB at sector %u, checksum 0x%x\n", kib, first, wsum);

	uint32_t rsum = 2166136261u, bad = 0;
	for (uint32_t s = first; s < first + count; s += CHUNK_SECTORS) {
		int n =
		    first + count - s < CHUNK_SECTORS ? (int)(first + count - s) : CHUNK_SECTORS;
		memset(buf, 0, sizeof(buf));
		if (diskread(s, buf, n) < 0) {
			printf("disk: read failed at sector %u\n", s);
			return 1;
		}
		for (int i = 0; i < n * SECTOR / 4; i++)
			if (buf[i] !=
			    pattern(s + (uint32_t)i / (SECTOR / 4), (uint32_t)i % (SECTOR / 4)))
				bad++;
		rsum = fnv(rsum, buf, n * SECTOR / 4);
	}
	printf("disk: read back %u KiB, checksum 0x%x\n", kib, rsum);
	if (bad || rsum != wsum) {
		printf("disk: %u words differ\n", bad);
		return 1;
	}
	printf("disk: ok\n");
	return 0;
}
