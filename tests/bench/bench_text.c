/*
 * bench_text.c -- figures out of text, grouped numbers back into text
 * (see bench_text.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/bench_text.h"

int bench_text_u64(const char *text, const char *key, uint64_t *out)
{
	const char *s = strstr(text, key);
	uint64_t v = 0;
	int digits = 0;
	if (!s)
		return -1;
	for (s += strlen(key); *s == ' ' || *s == '\t'; s++)
		;
	for (; (*s >= '0' && *s <= '9') || *s == ',' || *s == '_'; s++)
		if (*s >= '0' && *s <= '9') {
			v = v * 10 + (uint64_t)(*s - '0');
			digits++;
		}
	*out = v;
	return digits ? 0 : -1;
}

int bench_text_double(const char *text, const char *key, double *out)
{
	const char *s = strstr(text, key);
	char *end;
	if (!s)
		return -1;
	*out = strtod(s + strlen(key), &end);
	return end == s + strlen(key) ? -1 : 0;
}

const char *bench_text_grouped(uint64_t n, char *buf, size_t len)
{
	char digits[32];
	int nd = snprintf(digits, sizeof(digits), "%" PRIu64, n), j = 0;
	for (int i = 0; i < nd && (size_t)j + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = digits[i];
	}
	buf[j] = '\0';
	return buf;
}
