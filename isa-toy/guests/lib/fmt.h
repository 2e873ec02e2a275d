/*
 * fmt.h -- printf-style formatting shared by the kernel (kprintf) and the
 * user library (printf).  It knows %d %i %u %x %p %s %c and %%, with an
 * optional '0' flag, a field width and the 'l' modifier (ignored: long is
 * 32 bits here).  Output goes one character at a time to a callback.
 */
#ifndef GUESTS_FMT_H
#define GUESTS_FMT_H

#include <stdarg.h>

typedef void (*fmt_put_fn)(void *arg, char c);

/* fmt_vformat: format `fmt` with `ap`, handing each character to
 * put(arg, c); returns the number of characters produced. */
int fmt_vformat(fmt_put_fn put, void *arg, const char *fmt, va_list ap);

#endif
