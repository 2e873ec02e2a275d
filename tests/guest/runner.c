/* runner.c -- see runner.h. */
#include "tests/guest/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *runner_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (f) {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			if (len + n + 1 > cap) {
				cap = (len + n + 1) * 2;
				buf = realloc(buf, cap);
			}
			memcpy(buf + len, chunk, n);
			len += n;
		}
		fclose(f);
	}
	if (!buf)
		buf = malloc(1);
	buf[len] = 0;
	return buf;
}

void runner_run(const char *cmd, const char *input, struct runner_result *r)
{
	char dir[] = "/tmp/tvrunXXXXXX", in[64], out[64], err[64];
	char *line;
	r->status = -1;
	if (!mkdtemp(dir)) {
		r->out = runner_slurp("/nonexistent");
		r->err = runner_slurp("/nonexistent");
		return;
	}
	snprintf(in, sizeof(in), "%s/in", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	FILE *f = fopen(in, "wb");
	if (f) {
		fputs(input, f);
		fclose(f);
	}
	size_t n = strlen(cmd) + 3 * sizeof(dir) + 64;
	line = malloc(n);
	snprintf(line, n, "timeout -k 5 60 %s < %s > %s 2> %s", cmd, in, out, err);
	int st = system(line);
	free(line);
	if (st != -1 && WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (st != -1 && WIFSIGNALED(st))
		r->status = 128 + WTERMSIG(st);
	r->out = runner_slurp(out);
	r->err = runner_slurp(err);
	unlink(in);
	unlink(out);
	unlink(err);
	rmdir(dir);
}

void runner_free(struct runner_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int runner_tmpfile(char *tmpl)
{
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}
