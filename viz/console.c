/*
 * console.c -- the guest's console kept for the debugger (console.h).
 */
#include "viz/console.h"

#include <string.h>

void viz_console_put(void *ctx, uint8_t byte)
{
	struct viz_console *c = ctx;
	if (c->echo) {
		fputc(byte, c->echo);
		if (byte == '\n')
			fflush(c->echo);
	}
	if (c->len == sizeof(c->buf)) { /* full: drop the older half */
		memmove(c->buf, c->buf + sizeof(c->buf) / 2, sizeof(c->buf) / 2);
		c->len = sizeof(c->buf) / 2;
	}
	c->buf[c->len++] = (char)byte;
}
