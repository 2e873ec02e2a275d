/*
 * console.h -- the guest's console as the debugger keeps it: the last
 * VIZ_CONSOLE_KEEP bytes, for the console pane (and echoed to a stream in
 * batch and GDB modes).
 */
#ifndef VIZ_CONSOLE_H
#define VIZ_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VIZ_CONSOLE_KEEP 65536

struct viz_console {
	char buf[VIZ_CONSOLE_KEEP];
	size_t len;
	FILE *echo; /* also write every byte here, or NULL */
};

/* The output callback of a target (inspect.h): ctx is a viz_console. */
void viz_console_put(void *ctx, uint8_t byte);

#endif
