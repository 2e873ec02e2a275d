/*
 * migrate_test.c -- live migration over loopback: the source's console
 * and the destination's join into the transcript of the run that never
 * moved, with its instruction count; a guest that dirties memory faster
 * than the rounds send it is cut off by the bound on rounds; a
 * destination that goes away leaves the source running to the end with
 * nothing lost; a destination sent garbage refuses in one line.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/guest/runner.h"

#define KERNEL "build/guests/kernel.elf"

/* A loopback port free now: bind port 0, read it back, let it go. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static unsigned long long insns_of(const char *err)
{
	const char *p = strstr(err, "instructions retired: ");
	cr_assert(p, "no instruction count in: %s", err);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	fclose(f);
	return s;
}

/* Migrate `args` (mode and guest) after `at` instructions; check the
 * joined transcript and the count against the run that stayed.  The
 * source's stderr is returned (malloc'd) for more checks. */
static char *migrate_and_check(const char *mode, const char *args, unsigned long long at)
{
	char cmd[1024], dout[] = "/tmp/tv-mig-out-XXXXXX", derr[] = "/tmp/tv-mig-err-XXXXXX";
	struct runner_result w, s;
	cr_assert_eq(runner_tmpfile(dout), 0);
	cr_assert_eq(runner_tmpfile(derr), 0);
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --stats %s", mode, args);
	runner_run(cmd, "", &w);
	cr_assert_eq(w.status, 0, "%s: %s", cmd, w.err);
	int port = free_port();
	/* The destination in the background, the source in front; the
	 * status is the destination's (wait). */
	snprintf(cmd, sizeof(cmd),
		 "sh -c '" TV_BIN
		 " run --stats --incoming 127.0.0.1:%d >%s 2>%s </dev/null & d=$!; " TV_BIN
		 " run %s --migrate-to 127.0.0.1:%d --migrate-at %llu %s; wait $d'",
		 port, dout, derr, mode, port, at, args);
	runner_run(cmd, "", &s);
	char *dst_out = slurp(dout), *dst_err = slurp(derr);
	cr_assert(strstr(s.err, "trapvisor: migrated:"), "%s: no migration: %s / %s", mode, s.err,
		  dst_err);
	cr_expect_eq(s.status, w.status, "%s: the destination's status %d: %s", mode, s.status,
		     dst_err);
	size_t ls = strlen(s.out);
	char *joined = malloc(ls + strlen(dst_out) + 1);
	memcpy(joined, s.out, ls);
	strcpy(joined + ls, dst_out);
	cr_expect_str_eq(joined, w.out, "%s: the joined transcript differs", mode);
	cr_expect_eq(insns_of(dst_err), insns_of(w.err), "%s: instructions", mode);
	char *report = strdup(s.err);
	free(joined);
	free(dst_out);
	free(dst_err);
	runner_free(&w);
	runner_free(&s);
	unlink(dout);
	unlink(derr);
	return report;
}

#define PROGS "--append run=primes:30000,pingpong,hello " KERNEL

/* Under --mem-limit the source reads pages through the swap, and writes
 * that land on a page swapped out and back in are still seen dirty: the
 * joined run is exact while the guest swaps all the time. */
Test(migrate, under_mem_limit_joins)
{
	char *r = migrate_and_check("--mode=trap --mem-limit 2M", "--append run=memtouch " KERNEL,
				    3000000);
	cr_expect(strstr(r, "dirty pages by write protection"), "%s", r);
	free(r);
	free(migrate_and_check("--mode=vt --mem-limit 2M", "--append run=memtouch " KERNEL,
			       3000000));
}

Test(migrate, trap_joins)
{
	free(migrate_and_check("--mode=trap", PROGS, 2000000));
}

Test(migrate, vt_joins)
{
	/* Nested paging: the guest's writes pass no shadow entry. */
	char *r = migrate_and_check("--mode=vt", PROGS, 3000000);
	cr_expect(strstr(r, "dirty pages by page hashes"), "%s", r);
	free(r);
}

Test(migrate, vt_shadow_joins)
{
	char *r = migrate_and_check("--mode=vt --paging=shadow", PROGS, 3000000);
	cr_expect(strstr(r, "dirty pages by write protection"), "%s", r);
	free(r);
}

Test(migrate, bt_joins_at_once)
{
	/* From the first instruction on: every round runs the boot. */
	free(migrate_and_check("--mode=bt --isa=legacy", PROGS, 1));
}

/* memtouch dirties ~85 pages per round, more than the stop-and-copy
 * threshold: the rounds stop at their bound, and the result is right. */
Test(migrate, memtouch_hits_the_round_bound)
{
	char *r = migrate_and_check("--mode=trap", "--append run=memtouch:40 " KERNEL, 1500000);
	cr_expect(strstr(r, "migrated: 12 rounds"), "%s", r);
	cr_expect(strstr(r, "did not converge"), "%s", r);
	/* The write-protection log missed no write: memtouch checks every
	 * page it touched, at the destination, and the transcripts joined. */
	cr_expect(strstr(r, "dirty pages by write protection"), "%s", r);
	free(r);
}

/* A destination that takes the connection, reads a little and goes. */
Test(migrate, destination_goes_away)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(ls, 1), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&a, &len), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int c = accept(ls, NULL, NULL);
		char buf[64];
		if (c >= 0 && read(c, buf, sizeof(buf)) >= 0)
			close(c);
		_exit(0);
	}
	close(ls);
	char cmd[512];
	struct runner_result w, s;
	snprintf(cmd, sizeof(cmd), TV_BIN " run --stats " PROGS);
	runner_run(cmd, "", &w);
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run --stats --migrate-to 127.0.0.1:%d --migrate-at 2000000 " PROGS,
		 ntohs(a.sin_port));
	runner_run(cmd, "", &s);
	waitpid(pid, NULL, 0);
	cr_expect(strstr(s.err, "migration failed"), "%s", s.err);
	cr_expect(strstr(s.err, "the VM goes on here"), "%s", s.err);
	cr_expect_eq(s.status, w.status);
	cr_expect_str_eq(s.out, w.out, "the source's transcript is not whole");
	cr_expect_eq(insns_of(s.err), insns_of(w.err));
	runner_free(&w);
	runner_free(&s);
}

/* Garbage, a truncated stream, an impossible hello: one line, exit 2. */
Test(migrate, destination_refuses_garbage)
{
	static const char *const garbage[] = {
		"GARBAGE-GARBAGE-GARBAGE",	       /* not a message at all */
		"\\001\\000\\000\\000\\004\\000\\000", /* a hello cut short */
		"\\001\\000\\000\\000\\010\\000\\000\\000\\001\\000\\000\\000\\003\\000\\000\\0"
		"00",					    /* 3-byte RAM */
		"\\002\\000\\000\\000\\000\\000\\000\\000", /* pages before hello */
	};
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		int port = free_port();
		char cmd[1024];
		struct runner_result r;
		snprintf(
		    cmd, sizeof(cmd),
		    "bash -c '" TV_BIN " run --incoming 127.0.0.1:%d </dev/null & d=$!; "
		    "for t in 1 2 3 4 5 6 7 8 9 10; do sleep 0.1; "
		    "(printf \"%s\" >/dev/tcp/127.0.0.1/%d) 2>/dev/null && break; done; wait $d'",
		    port, garbage[i], port);
		runner_run(cmd, "", &r);
		cr_expect_eq(r.status, 2, "garbage %zu: status %d: %s", i, r.status, r.err);
		cr_expect_str_empty(r.out, "garbage %zu ran something: %s", i, r.out);
		/* "waiting for a migration on ...", then the one line. */
		const char *nl = strchr(r.err, '\n');
		cr_expect(nl && strstr(nl + 1, "--incoming") &&
			      !strchr(strchr(nl + 1, '\n') + 1, '\n'),
			  "garbage %zu: not one line: %s", i, r.err);
		runner_free(&r);
	}
}
