/*
 * diff_proc.c -- run a program with a time limit (see diff_proc.h).
 */
#include "tests/diff/diff_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double diff_proc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* In the child: point fd at path (or /dev/null), or die with 127. */
static void diff_proc_redirect(int fd, const char *path, int flags)
{
	int f = open(path ? path : "/dev/null", flags, 0644);
	if (f < 0 || dup2(f, fd) < 0) {
		fprintf(stderr, "diff_proc: %s: %s\n", path ? path : "/dev/null", strerror(errno));
		_exit(127);
	}
	close(f);
}

int diff_proc_run(char *const argv[], const char *out_path, const char *err_path, int timeout_s,
		  double *seconds)
{
	double start = diff_proc_now(), deadline = start + timeout_s;
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "diff_proc: fork: %s\n", strerror(errno));
		return DIFF_PROC_NOSTART;
	}
	if (pid == 0) {
		setpgid(0, 0); /* its own group: a timeout kills its children too */
		diff_proc_redirect(0, NULL, O_RDONLY);
		diff_proc_redirect(1, out_path, O_WRONLY | O_CREAT | O_TRUNC);
		diff_proc_redirect(2, err_path, O_WRONLY | O_CREAT | O_TRUNC);
		execvp(argv[0], argv);
		fprintf(stderr, "diff_proc: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid); /* also here: no race with the child's own call */

	/*
	 * Poll rather than block, so the deadline needs no signal handler
	 * (the Criterion runner owns the signals of its workers).  The sleep
	 * grows from 50 us to 1 ms: short runs are timed to well under 1 ms.
	 */
	long nap_ns = 50000;
	for (;;) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			if (seconds)
				*seconds = diff_proc_now() - start;
			if (WIFEXITED(status)) {
				if (WEXITSTATUS(status) == 127)
					fprintf(stderr, "diff_proc: %s: exit 127 (not found?)\n",
						argv[0]);
				return WEXITSTATUS(status);
			}
			return 128 + WTERMSIG(status);
		}
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "diff_proc: waitpid: %s\n", strerror(errno));
			return DIFF_PROC_NOSTART;
		}
		if (diff_proc_now() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "diff_proc: %s: killed after %d s\n", argv[0], timeout_s);
			return DIFF_PROC_TIMEOUT;
		}
		struct timespec nap = { 0, nap_ns };
		nanosleep(&nap, NULL);
		if (nap_ns < 1000000)
			nap_ns *= 2;
	}
}

char *diff_proc_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *n = realloc(buf, cap = cap * 2 + 8192);
			if (!n) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = n;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}
