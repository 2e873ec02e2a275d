/*
 * ptydrive.c -- `ptydrive SECONDS STEP... -- COMMAND ARGS...`: run COMMAND
 * on a new pseudo-terminal, as a person at a terminal would, and type into
 * it.  For the nested venue (tests/x86/run.sh): it types commands into the
 * L2 guest's shell through trapvisor's interactive console.
 *
 * Steps, in order:
 *   expect:TEXT   wait until TEXT has appeared in the output (since the
 *                 previous expect matched)
 *   send:TEXT     type TEXT; \r, \n, \\ and \xHH are unescaped
 *                 (\x01 is Ctrl-A, trapvisor's console escape)
 *
 * Everything COMMAND writes is copied to our stdout, each line prefixed by
 * "pty| ".  At the end one line says what happened:
 *
 *   ptydrive: status N, terminal restored: yes|no
 *
 * "restored" compares the terminal's modes after COMMAND exited with the
 * modes it started with (a raw-mode program must give them back).  Exit
 * status: 0 when every step was done and COMMAND exited, 1 if an expect
 * timed out or COMMAND ended first (said in one line), 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PTY_BUF (1 << 16)

static char out[PTY_BUF]; /* output not yet matched by an expect */
static size_t out_len;
static int at_line_start = 1;

/* Copy output to stdout, prefixed per line, and keep it for expect. */
static void pty_take(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (at_line_start)
			fputs("pty| ", stdout);
		if (buf[i] != '\r')
			putchar(buf[i]);
		at_line_start = buf[i] == '\n';
	}
	fflush(stdout);
	if (out_len + n > sizeof(out)) { /* keep the newest half */
		size_t keep = sizeof(out) / 2;
		memmove(out, out + out_len - keep, keep);
		out_len = keep;
	}
	size_t take = n < sizeof(out) - out_len ? n : sizeof(out) - out_len;
	memcpy(out + out_len, buf, take);
	out_len += take;
}

/* Read what is there (waiting up to `ms`); -1 at the end of the output. */
static int pty_pump(int master, int ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	int n = poll(&p, 1, ms);
	if (n <= 0)
		return 0;
	char buf[4096];
	ssize_t got = read(master, buf, sizeof(buf));
	if (got <= 0)
		return -1; /* EIO: every slave fd is closed */
	pty_take(buf, (size_t)got);
	return 0;
}

/* Unescape \r \n \\ \xHH in place; returns the length. */
static size_t pty_unescape(char *s)
{
	size_t o = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] != '\\' || !s[i + 1]) {
			s[o++] = s[i];
			continue;
		}
		char c = s[++i];
		if (c == 'r')
			s[o++] = '\r';
		else if (c == 'n')
			s[o++] = '\n';
		else if (c == 'x' && s[i + 1] && s[i + 2]) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			s[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			s[o++] = c;
	}
	return o;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	int sep = 0;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	long seconds = argc > 1 ? atol(argv[1]) : 0;
	if (sep < 2 || sep + 1 >= argc || seconds <= 0) {
		fprintf(stderr, "usage: ptydrive SECONDS [expect:TEXT|send:TEXT]... -- COMMAND "
				"[ARGS...]\n");
		return 2;
	}
	for (int i = 2; i < sep; i++)
		if (strncmp(argv[i], "expect:", 7) && strncmp(argv[i], "send:", 5)) {
			fprintf(stderr, "ptydrive: step '%s': give expect:TEXT or send:TEXT\n",
				argv[i]);
			return 2;
		}

	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("ptydrive: posix_openpt");
		return 1;
	}
	const char *slave_name = ptsname(master);
	struct termios before;
	int slave = open(slave_name, O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before) < 0) {
		perror("ptydrive: the pty's slave side");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("ptydrive: fork");
		return 1;
	}
	if (pid == 0) { /* the child: a session whose terminal is the pty */
		setsid();
		int s = open(slave_name, O_RDWR); /* becomes the controlling tty */
		if (s < 0)
			_exit(127);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (s > 2)
			close(s);
		close(master);
		close(slave);
		execvp(argv[sep + 1], argv + sep + 1);
		_exit(127);
	}

	/* We keep `slave` open, so that the terminal's modes can be read
	 * after the child is gone; the output then never reaches EOF, and
	 * the end is the child's exit. */
	int failed = 0;
	long deadline = now_ms() + seconds * 1000;
	for (int i = 2; i < sep && !failed; i++) {
		if (!strncmp(argv[i], "send:", 5)) {
			char *text = argv[i] + 5;
			size_t n = pty_unescape(text);
			/* Type slowly, as a person would: a UART's FIFO is 16 bytes. */
			for (size_t k = 0; k < n; k++) {
				if (write(master, text + k, 1) != 1) {
					perror("ptydrive: write");
					failed = 1;
					break;
				}
				pty_pump(master, 5);
			}
			continue;
		}
		const char *want = argv[i] + 7;
		for (;;) {
			void *at = memmem(out, out_len, want, strlen(want));
			if (at) {
				size_t cut = (size_t)((char *)at - out) + strlen(want);
				memmove(out, out + cut, out_len - cut);
				out_len -= cut;
				break;
			}
			int st;
			if (waitpid(pid, &st, WNOHANG) == pid) {
				pty_pump(master, 100);
				printf("\nptydrive: the command ended before '%s' appeared\n",
				       want);
				failed = 1;
				pid = -st - 1; /* remember it ended, with its status */
				break;
			}
			if (now_ms() > deadline) {
				printf("\nptydrive: timeout waiting for '%s'\n", want);
				kill(pid, SIGKILL);
				failed = 1;
				break;
			}
			pty_pump(master, 100);
		}
	}
	int st = 0;
	if (pid >= 0) {
		while (waitpid(pid, &st, WNOHANG) == 0) {
			if (now_ms() > deadline) {
				printf("\nptydrive: timeout waiting for the command to end\n");
				kill(pid, SIGKILL);
				failed = 1;
			}
			pty_pump(master, 100);
		}
	} else
		st = -pid - 1;
	while (pty_pump(master, 50) == 0 && poll(&(struct pollfd){ master, POLLIN, 0 }, 1, 0) > 0)
		;
	struct termios after;
	int same = tcgetattr(slave, &after) == 0 && after.c_lflag == before.c_lflag &&
		   after.c_iflag == before.c_iflag && after.c_oflag == before.c_oflag;
	int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("\nptydrive: status %d, terminal restored: %s\n", status, same ? "yes" : "no");
	return failed;
}
