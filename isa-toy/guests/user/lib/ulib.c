/*
 * ulib.c -- program start-up and helpers for user programs.
 */
#include <stdarg.h>

#include "lib/fmt.h"
#include "user/lib/ulib.h"

int main(int argc, char **argv);

/* _start: the kernel enters here (the ELF entry) with a0 = argc,
 * a1 = argv and sp at the top of the stack; returning from main exits. */
void _start(int argc, char **argv)
{
	exit(main(argc, argv));
}

struct ulib_buf {
	char data[256];
	int len;
};

static void ulib_put(void *arg, char c)
{
	struct ulib_buf *b = arg;
	if (b->len == (int)sizeof(b->data)) {
		write(1, b->data, b->len);
		b->len = 0;
	}
	b->data[b->len++] = c;
}

int printf(const char *fmt, ...)
{
	struct ulib_buf b;
	va_list ap;

	b.len = 0;
	va_start(ap, fmt);
	int n = fmt_vformat(ulib_put, &b, fmt, ap);
	va_end(ap);
	if (b.len)
		write(1, b.data, b.len);
	return n;
}

int atoi(const char *s)
{
	int v = 0, neg = *s == '-';
	if (neg)
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

int arg_int(int argc, char **argv, int i, int def)
{
	return i < argc ? atoi(argv[i]) : def;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}
