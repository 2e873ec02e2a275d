/*
 * gdb_test.c -- the GDB stub: gdb-multiarch itself attaches, breaks on a
 * kernel function, continues and reads registers (both modes); a raw
 * socket client checks the protocol details gdb's batch mode cannot
 * show (Ctrl-C, target.xml, a bad checksum); the pure helpers directly.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/viz/util.h"
#include "viz/gdb.h"

static pid_t stub_pid = -1;
static int stub_port;

static char stub_log[64];

/* Start `trapvisor debug --gdb PORT ARGS` in the background and wait
 * until it says it listens (its stderr goes to a log file). */
static void stub_start(const char *args)
{
	char cmd[512];
	stub_port = viz_t_port();
	cr_assert(stub_port);
	snprintf(stub_log, sizeof(stub_log), "/tmp/tv-viz-gdb-%d.log", (int)getpid());
	snprintf(cmd, sizeof(cmd), "exec timeout 60 " TV " debug --gdb %d %s >/dev/null 2>%s",
		 stub_port, args, stub_log);
	stub_pid = fork();
	cr_assert(stub_pid >= 0);
	if (stub_pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) { /* up to 5 s */
		char line[256] = "";
		FILE *f = fopen(stub_log, "r");
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = 0;
			fclose(f);
		}
		if (strstr(line, "waiting for gdb"))
			return;
		usleep(50000);
	}
	cr_assert_fail("the stub never listened on %d", stub_port);
}

static void stub_stop(void)
{
	if (stub_pid > 0) {
		for (int i = 0; i < 40 && waitpid(stub_pid, NULL, WNOHANG) == 0; i++)
			usleep(50000);
		kill(-stub_pid, SIGKILL);
		waitpid(stub_pid, NULL, 0);
		unlink(stub_log);
	}
	stub_pid = -1;
}

static void gdb_session(const char *mode)
{
	char cmd[1024], args[128];
	struct runner_result r;
	snprintf(args, sizeof(args), "--mode=%s --append run=hello " KERNEL, mode);
	stub_start(args);
	uint32_t sw = viz_t_sym(KERNEL, "sys_write");
	snprintf(cmd, sizeof(cmd),
		 "timeout 60 gdb-multiarch -nx -batch -ex 'set pagination off' "
		 "-ex 'target remote :%d' -ex 'break sys_write' -ex continue "
		 "-ex 'info registers pc' -ex 'p/x $ra' -ex 'x/i $pc' -ex stepi "
		 "-ex 'info registers pc' -ex bt -ex kill " KERNEL,
		 stub_port);
	runner_run(cmd, "", &r);
	char want[128];
	snprintf(want, sizeof(want), "Breakpoint 1 at 0x%x", sw);
	cr_expect(strstr(r.out, want), "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "Breakpoint 1, sys_write"), "%s\n%s", r.out, r.err);
	snprintf(want, sizeof(want), "pc             0x%x", sw);
	cr_expect(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "pc             0x%x", sw + 4);
	cr_expect(strstr(r.out, want), "stepi moved the pc by one instruction:\n%s", r.out);
	/* ra: the call came from syscall_dispatch; the backtrace says so. */
	cr_expect(strstr(r.out, "in syscall_dispatch"), "%s", r.out);
	cr_expect(strstr(r.out, "<sys_write>:\tadd"), "%s", r.out);
	runner_free(&r);
}

Test(gdb, multiarch_session_trap, .fini = stub_stop, .timeout = 90)
{
	gdb_session("trap");
}
Test(gdb, multiarch_session_bare, .fini = stub_stop, .timeout = 90)
{
	gdb_session("bare");
}

/* --- a raw client --- */

static int raw_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)stub_port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	return fd;
}

static void raw_send(int fd, const char *body)
{
	char pkt[512];
	snprintf(pkt, sizeof(pkt), "$%s#%02x", body, gdb_checksum(body, strlen(body)));
	cr_assert(write(fd, pkt, strlen(pkt)) == (ssize_t)strlen(pkt));
}

/* Read until a whole packet has arrived (or 20 s); returns all bytes. */
static char *raw_reply(int fd)
{
	static char buf[8192];
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (n < sizeof(buf) - 1 && poll(&p, 1, 20000) == 1) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = 0;
		char *hash = strrchr(buf, '#');
		if (strchr(buf, '$') && hash && strlen(hash) >= 3)
			break;
	}
	buf[n] = 0;
	if (write(fd, "+", 1) != 1)
		cr_log_warn("ack not sent");
	return buf;
}

Test(gdb, protocol_details, .fini = stub_stop, .timeout = 60)
{
	stub_start("--append run=primes:2000000 " KERNEL);
	int fd = raw_connect();
	raw_send(fd, "qSupported:multiprocess+;swbreak+");
	cr_expect(strstr(raw_reply(fd), "qXfer:features:read+"));
	raw_send(fd, "qXfer:features:read:target.xml:0,fff");
	char *x = raw_reply(fd);
	cr_expect(strstr(x, "<architecture>riscv:rv32</architecture>"), "%s", x);
	cr_expect(strstr(x, "name=\"pc\""), "%s", x);
	/* A corrupted packet is refused with '-'. */
	cr_assert(write(fd, "$g#00", 5) == 5);
	char c = 0;
	cr_expect(read(fd, &c, 1) == 1 && c == '-');
	raw_send(fd, "m0,4");
	cr_expect(strstr(raw_reply(fd), "$E14#"), "unmapped memory is an error");
	raw_send(fd, "p20");
	cr_expect(strstr(raw_reply(fd), "$00000080#"), "pc = 0x80000000 little-endian");
	/* Ctrl-C interrupts a long continue: S02. */
	raw_send(fd, "c");
	usleep(300000);
	cr_assert(write(fd, "\x03", 1) == 1);
	char *stop = raw_reply(fd);
	cr_expect(strstr(stop, "$S02#"), "%s", stop);
	raw_send(fd, "k");
	close(fd);
}

Test(gdb, helpers)
{
	uint32_t a, l;
	cr_expect_eq(gdb_checksum("OK", 2), ('O' + 'K') & 0xff);
	cr_expect_eq(gdb_checksum("", 0), 0);
	const char *rest = gdb_parse_addr_len("80001000,40:ab", &a, &l);
	cr_assert(rest);
	cr_expect_eq(a, 0x80001000u);
	cr_expect_eq(l, 0x40u);
	cr_expect_eq(*rest, ':');
	cr_expect_null(gdb_parse_addr_len("zz,1", &a, &l));
	cr_expect_null(gdb_parse_addr_len("1", &a, &l));
	cr_expect_null(gdb_parse_addr_len("123456789,1", &a, &l), "more than 32 bits");
}

Test(gdb, port_in_use_is_one_line)
{
	struct runner_result r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port = viz_t_port();
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), TV " debug --gdb %d " KERNEL, port);
	runner_run(cmd, "", &r);
	close(fd);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "cannot listen on 127.0.0.1"), "%s", r.err);
	runner_free(&r);
}
