/*
 * statebuf.h -- a growable byte buffer to write a machine's state into,
 * and a bounded cursor to read it back: the bricks of a snapshot
 * (core/state.c).  Each device module writes and reads its own struct
 * with these (uart_save/uart_load, ...), so the snapshot code never
 * looks inside a device.
 *
 * Numbers are little-endian and fixed-size, whatever the host: a
 * snapshot is a file format, not a memory dump.  Reading never runs off
 * the end: a short buffer sets `bad`, and every later read gives zeros,
 * so a loader checks `bad` once at the end of a section.
 */
#ifndef DEVICES_STATEBUF_H
#define DEVICES_STATEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	uint8_t *data;
	size_t len;    /* bytes written (writer) or held (reader) */
	size_t cap;    /* writer: bytes allocated */
	size_t pos;    /* reader: the next byte to read */
	bool bad;      /* writer: out of memory; reader: ran past the end */
	bool borrowed; /* reader over someone else's bytes: never freed */
};

/* 64-bit FNV-1a, the one fingerprint of state bytes: a disk's first MiB
 * in a snapshot, a page in migration's rounds, the x86 snapshot's
 * sections, the debugger's `info history`.  Start from SBUF_FNV_BASIS
 * and feed the bytes in as many calls as needed. */
#define SBUF_FNV_BASIS 0xcbf29ce484222325ull
static inline uint64_t sbuf_fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* A reader over `len` bytes at `data` (not copied, not freed). */
static inline struct sbuf sbuf_reader(const void *data, size_t len)
{
	return (struct sbuf){ .data = (uint8_t *)data, .len = len, .borrowed = true };
}

/* Append bytes (the buffer grows; out of memory sets `bad`). */
void sbuf_put(struct sbuf *b, const void *p, size_t n);
void sbuf_put_u8(struct sbuf *b, uint8_t v);
void sbuf_put_u32(struct sbuf *b, uint32_t v);
void sbuf_put_u64(struct sbuf *b, uint64_t v);

/* Read the next bytes; past the end: zeros, and `bad` set. */
void sbuf_get(struct sbuf *b, void *p, size_t n);
uint8_t sbuf_get_u8(struct sbuf *b);
uint32_t sbuf_get_u32(struct sbuf *b);
uint64_t sbuf_get_u64(struct sbuf *b);

/* Free a writer's bytes. */
void sbuf_free(struct sbuf *b);

#endif
