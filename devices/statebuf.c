/*
 * statebuf.c -- the snapshot byte buffer (statebuf.h).
 */
#include "devices/statebuf.h"

#include <stdlib.h>
#include <string.h>

void sbuf_put(struct sbuf *b, const void *p, size_t n)
{
	if (b->bad)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d) {
			b->bad = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void sbuf_put_u8(struct sbuf *b, uint8_t v)
{
	sbuf_put(b, &v, 1);
}

void sbuf_put_u32(struct sbuf *b, uint32_t v)
{
	uint8_t le[4];
	for (int i = 0; i < 4; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	sbuf_put(b, le, 4);
}

void sbuf_put_u64(struct sbuf *b, uint64_t v)
{
	sbuf_put_u32(b, (uint32_t)v);
	sbuf_put_u32(b, (uint32_t)(v >> 32));
}

void sbuf_get(struct sbuf *b, void *p, size_t n)
{
	if (b->bad || b->pos > b->len || b->len - b->pos < n) {
		b->bad = true;
		memset(p, 0, n);
		return;
	}
	memcpy(p, b->data + b->pos, n);
	b->pos += n;
}

uint8_t sbuf_get_u8(struct sbuf *b)
{
	uint8_t v;
	sbuf_get(b, &v, 1);
	return v;
}

uint32_t sbuf_get_u32(struct sbuf *b)
{
	uint8_t le[4];
	sbuf_get(b, le, 4);
	return (uint32_t)le[0] | (uint32_t)le[1] << 8 | (uint32_t)le[2] << 16 |
	       (uint32_t)le[3] << 24;
}

uint64_t sbuf_get_u64(struct sbuf *b)
{
	uint64_t lo = sbuf_get_u32(b);
	return lo | (uint64_t)sbuf_get_u32(b) << 32;
}

void sbuf_free(struct sbuf *b)
{
	if (!b->borrowed)
		free(b->data);
	*b = (struct sbuf){ 0 };
}
