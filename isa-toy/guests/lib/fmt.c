/*
 * fmt.c -- a small printf engine (see fmt.h).  Freestanding: no libc.
 */
#include "lib/fmt.h"

/* fmt_number: print v in `base`, right-aligned in `width` with `pad`. */
static int fmt_number(fmt_put_fn put, void *arg, unsigned int v, unsigned int base, int negative,
		      int width, char pad)
{
	char buf[12];
	int n = 0, out = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		width--;
	if (negative && pad == '0') {
		put(arg, '-');
		out++;
	}
	for (; width > n; width--, out++)
		put(arg, pad);
	if (negative && pad != '0') {
		put(arg, '-');
		out++;
	}
	while (n)
		put(arg, buf[--n]), out++;
	return out;
}

int fmt_vformat(fmt_put_fn put, void *arg, const char *fmt, va_list ap)
{
	int out = 0;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(arg, *fmt);
			out++;
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			fmt++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			int v = va_arg(ap, int);
			unsigned int mag = v < 0 ? 0u - (unsigned int)v : (unsigned int)v;
			out += fmt_number(put, arg, mag, 10, v < 0, width, pad);
			break;
		}
		case 'u':
			out += fmt_number(put, arg, va_arg(ap, unsigned int), 10, 0, width, pad);
			break;
		case 'x':
			out += fmt_number(put, arg, va_arg(ap, unsigned int), 16, 0, width, pad);
			break;
		case 'p':
			put(arg, '0'), put(arg, 'x');
			out += 2 + fmt_number(put, arg,
					      (unsigned int)(unsigned long)va_arg(ap, void *), 16,
					      0, 8, '0');
			break;
		case 'c':
			put(arg, (char)va_arg(ap, int));
			out++;
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;
			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			for (; width > len; width--, out++)
				put(arg, ' ');
			for (; *s; s++, out++)
				put(arg, *s);
			break;
		}
		case '%':
			put(arg, '%');
			out++;
			break;
		case '\0': return out;
		default: /* unknown: print it as it was written */
			put(arg, '%');
			put(arg, *fmt);
			out += 2;
			break;
		}
	}
	return out;
}
