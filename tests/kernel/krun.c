/*
 * krun.c -- see krun.h.  One child process per run: stdin, stdout and
 * stderr are pipes that a poll() loop serves until both outputs reach
 * end of file or the deadline passes (then the child's whole process
 * group is killed).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/kernel/krun.h"

static double krun_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* krun_append: add n bytes to a growing NUL-terminated buffer. */
static void krun_append(char **buf, size_t *len, const char *data, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);
	if (!nb)
		abort();
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = 0;
	*buf = nb;
}

int krun(char *const argv[], const char *input, size_t len, int timeout_s, struct krun_result *r)
{
	int in[2], out[2], err[2];
	size_t err_len = 0, written = 0;

	memset(r, 0, sizeof(*r));
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		perror("krun: pipe");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN); /* the guest may never read its input */
	double start = krun_now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("krun: fork");
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0); /* so that a timeout kills everything it started */
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], argv);
		fprintf(stderr, "krun: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(126);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (!input || !len) {
		close(in[1]);
		in[1] = -1;
	}

	struct pollfd fds[3] = { { out[0], POLLIN, 0 },
				 { err[0], POLLIN, 0 },
				 { in[1], POLLOUT, 0 } };
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int left_ms = (int)((start + timeout_s - krun_now()) * 1000);
		if (left_ms <= 0) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(fds, 3, left_ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			char buf[4096];
			ssize_t n = read(fds[i].fd, buf, sizeof(buf));
			if (n > 0 && i == 0)
				krun_append(&r->out, &r->out_len, buf, (size_t)n);
			else if (n > 0)
				krun_append(&r->err, &err_len, buf, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		}
		if (fds[2].fd >= 0 && fds[2].revents) {
			ssize_t n = write(fds[2].fd, input + written, len - written);
			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN) || written == len) {
				close(fds[2].fd);
				fds[2].fd = -1;
			}
		}
	}
	for (int i = 0; i < 3; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	/* Outputs closed; the child should be gone or going.  Still bound
	 * the wait by the deadline. */
	int ws = 0;
	while (waitpid(pid, &ws, WNOHANG) == 0) {
		if (krun_now() > start + timeout_s) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &ws, 0);
			break;
		}
		usleep(1000);
	}
	r->seconds = krun_now() - start;
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

void krun_free(struct krun_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *krun_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	buf = calloc(1, 1);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		krun_append(&buf, &n, chunk, got);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

/* krun_with_input: run argv with the contents of expected/FILE on stdin. */
static int krun_with_input(char *const argv[], const char *input_file, int timeout_s,
			   struct krun_result *r)
{
	char *input = NULL, path[4096];
	size_t len = 0;

	if (input_file) {
		snprintf(path, sizeof(path), "%s/%s", KRUN_EXPECTED, input_file);
		input = krun_read_file(path, &len);
		if (!input) {
			fprintf(stderr, "krun: cannot read %s\n", path);
			return -1;
		}
	}
	int rc = krun(argv, input, len, timeout_s, r);
	free(input);
	return rc;
}

int krun_trapvisor_isa(const char *mode, const char *isa, const char *bootargs,
		       const char *input_file, int timeout_s, struct krun_result *r)
{
	char mode_opt[64], isa_opt[64];
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode);
	snprintf(isa_opt, sizeof(isa_opt), "--isa=%s", isa);
	char *argv[] = { KRUN_TRAPVISOR,   "run",	mode_opt, isa_opt, "--stats", "--append",
			 (char *)bootargs, KRUN_KERNEL, NULL };
	return krun_with_input(argv, input_file, timeout_s, r);
}

int krun_trapvisor_vt(const char *paging, const char *isa, const char *bootargs,
		      const char *input_file, int timeout_s, struct krun_result *r)
{
	char paging_opt[64], isa_opt[64];
	snprintf(paging_opt, sizeof(paging_opt), "--paging=%s", paging);
	snprintf(isa_opt, sizeof(isa_opt), "--isa=%s", isa);
	char *argv[] = { KRUN_TRAPVISOR, "run",	     "--mode=vt",      paging_opt,  isa_opt,
			 "--stats",	 "--append", (char *)bootargs, KRUN_KERNEL, NULL };
	return krun_with_input(argv, input_file, timeout_s, r);
}

int krun_trapvisor(const char *mode, const char *bootargs, const char *input_file, int timeout_s,
		   struct krun_result *r)
{
	return krun_trapvisor_isa(mode, "strict", bootargs, input_file, timeout_s, r);
}

/*
 * QEMU's virt board, as close to trapvisor's bare board as it gets: one
 * hart, 64 MiB, no firmware (-bios none), our M-mode shim in flash bank 0
 * (QEMU's reset code jumps there with a0 = hart id, a1 = device tree),
 * the kernel ELF loaded at its addresses by -kernel, bootargs by -append,
 * the UART on stdin/stdout and nothing else on the terminal.
 */
/* krun_qemu_argv: fill argv (room for 32) with that command line. */
static void krun_qemu_argv(char *argv[32], const char *elf, const char *cpu, const char *bootargs)
{
	static char *const fixed[] = { "/usr/bin/qemu-system-riscv32",
				       "-machine",
				       "virt",
				       "-bios",
				       "none",
				       "-m",
				       "64M",
				       "-smp",
				       "1",
				       "-drive",
				       "if=pflash,unit=0,format=raw,readonly=on,file=" KRUN_SHIM,
				       "-kernel",
				       NULL, /* the ELF */
				       "-display",
				       "none",
				       "-serial",
				       "stdio",
				       "-monitor",
				       "none",
				       "-no-reboot" };
	int n = 0;
	for (; n < (int)(sizeof(fixed) / sizeof(fixed[0])); n++)
		argv[n] = fixed[n] ? fixed[n] : (char *)elf;
	if (cpu) {
		argv[n++] = "-cpu";
		argv[n++] = (char *)cpu;
	}
	if (bootargs) {
		argv[n++] = "-append";
		argv[n++] = (char *)bootargs;
	}
	argv[n] = NULL;
}

int krun_qemu_elf(const char *elf, const char *cpu, const char *bootargs, const char *input_file,
		  int timeout_s, struct krun_result *r)
{
	char *argv[32];
	krun_qemu_argv(argv, elf, cpu, bootargs);
	return krun_with_input(argv, input_file, timeout_s, r);
}

int krun_qemu_elf_input(const char *elf, const char *cpu, const char *input, int timeout_s,
			struct krun_result *r)
{
	char *argv[32];
	krun_qemu_argv(argv, elf, cpu, NULL);
	return krun(argv, input, input ? strlen(input) : 0, timeout_s, r);
}

int krun_qemu_with(const char *bootargs, char *const extra[], const char *input_file, int timeout_s,
		   struct krun_result *r)
{
	char *argv[32];
	krun_qemu_argv(argv, KRUN_KERNEL, NULL, bootargs);
	int n = 0;
	while (argv[n])
		n++;
	for (int i = 0; extra && extra[i]; i++) {
		if (n == 31) {
			fprintf(stderr, "krun: too many QEMU arguments\n");
			return -1;
		}
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	return krun_with_input(argv, input_file, timeout_s, r);
}

int krun_qemu(const char *bootargs, const char *input_file, int timeout_s, struct krun_result *r)
{
	return krun_qemu_elf(KRUN_KERNEL, NULL, bootargs, input_file, timeout_s, r);
}

/* krun_printf: a freshly allocated formatted string. */
static char *krun_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *krun_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

char *krun_verdict(const char *who, const struct krun_result *r, const char *name, const char *want,
		   int status)
{
	if (r->timed_out)
		return krun_printf(
		    "%s: %s timed out after %.1f s; console so far:\n%s\nstderr:\n%s", name, who,
		    r->seconds, r->out, r->err);
	/* A panic or a trap nobody expected: say so first, with everything. */
	if (strstr(r->out, "panic:"))
		return krun_printf("%s: kernel panic on %s:\n%s", name, who, r->out);
	if (strstr(r->out, "shim: unexpected"))
		return krun_printf("%s: unexpected M-mode trap on %s:\n%s", name, who, r->out);
	if (strcmp(r->out, want))
		return krun_printf("%s: the console on %s differs from the expectation\n"
				   "--- expected:\n%s--- got:\n%s--- stderr:\n%s",
				   name, who, want, r->out, r->err);
	if (r->status != status)
		return krun_printf("%s: %s exited with %d, expected %d; stderr:\n%s", name, who,
				   r->status, status, r->err);
	return NULL;
}

void krun_check(const char *who, const struct krun_result *r, const char *name, int status)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.out", KRUN_EXPECTED, name);
	char *want = krun_read_file(path, NULL);

	cr_assert(want, "cannot read the expectation %s", path);
	char *verdict = krun_verdict(who, r, name, want, status);
	free(want);
	cr_assert(!verdict, "%s", verdict);
}
