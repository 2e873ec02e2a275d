/*
 * capture.h -- run code with this process's stderr going to a temporary
 * file, then read back what it printed (to check error messages).
 */
#ifndef TESTS_DEVICES_CAPTURE_H
#define TESTS_DEVICES_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

struct capture {
	FILE *tmp;
	int saved_fd;
};

static inline void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	c->saved_fd = dup(2);
	if (c->tmp)
		dup2(fileno(c->tmp), 2);
}

/* Restore stderr and copy what was printed (NUL-terminated) into buf. */
static inline void capture_end(struct capture *c, char *buf, size_t size)
{
	size_t n = 0;
	fflush(stderr);
	dup2(c->saved_fd, 2);
	close(c->saved_fd);
	if (c->tmp) {
		rewind(c->tmp);
		n = fread(buf, 1, size - 1, c->tmp);
		fclose(c->tmp);
	}
	buf[n] = '\0';
}

#endif
