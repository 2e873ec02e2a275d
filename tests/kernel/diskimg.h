/*
 * diskimg.h -- scratch disk images for the tests of the `disk` program
 * (user/disk.c), and the check of what it leaves in one: the pattern
 * over its sectors, zeros everywhere else.  Shared by tests/kernel
 * (trapvisor in every mode) and tests/peer (QEMU).
 */
#ifndef TESTS_KERNEL_DISKIMG_H
#define TESTS_KERNEL_DISKIMG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DISKIMG_SIZE  (1u << 20) /* 2048 sectors, as expected/disk.out says */
#define DISKIMG_FIRST 64u	 /* the program's defaults: 64 KiB at sector 64 */
#define DISKIMG_COUNT 128u

/* The pattern word of user/disk.c, written again from its comment. */
static inline uint32_t diskimg_pattern(uint32_t sector, uint32_t word)
{
	uint32_t x = (sector * 128u + word) * 0x9E3779B1u;
	return x ^ (x >> 15);
}

/* A fresh sparse image of DISKIMG_SIZE zero bytes; its path goes in
 * `path` (at least 64 bytes).  0 or -1. */
static inline int diskimg_create(char *path)
{
	strcpy(path, "/tmp/trapvisor-disk-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	int rc = ftruncate(fd, DISKIMG_SIZE);
	close(fd);
	return rc;
}

/* NULL if the image at `path` holds the pattern at sectors
 * [DISKIMG_FIRST, +DISKIMG_COUNT) (when `written`) and zeros elsewhere;
 * else a static message saying where it differs. */
static inline const char *diskimg_check(const char *path, bool written)
{
	static char why[128];
	FILE *f = fopen(path, "rb");
	if (!f)
		return "cannot open the image";
	uint8_t sec[512];
	for (uint32_t s = 0; s < DISKIMG_SIZE / 512; s++) {
		if (fread(sec, 1, sizeof(sec), f) != sizeof(sec)) {
			fclose(f);
			return "image shorter than 1 MiB";
		}
		bool in = written && s >= DISKIMG_FIRST && s < DISKIMG_FIRST + DISKIMG_COUNT;
		for (uint32_t w = 0; w < 128; w++) {
			uint32_t got = sec[4 * w] | (uint32_t)sec[4 * w + 1] << 8 |
				       (uint32_t)sec[4 * w + 2] << 16 |
				       (uint32_t)sec[4 * w + 3] << 24;
			uint32_t want = in ? diskimg_pattern(s, w) : 0;
			if (got != want) {
				snprintf(why, sizeof(why), "sector %u word %u: %#x, want %#x", s, w,
					 got, want);
				fclose(f);
				return why;
			}
		}
	}
	fclose(f);
	return NULL;
}

#endif
