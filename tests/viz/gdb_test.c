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
#include "viz/cli.h"
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

/* Wait (up to 20 s) for the stub to exit by itself; its exit status, or
 * -1 if it did not. */
static int stub_wait(void)
{
	int st;
	for (int i = 0; i < 400; i++) {
		if (waitpid(stub_pid, &st, WNOHANG) == stub_pid) {
			stub_pid = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		usleep(50000);
	}
	return -1;
}

/* The stub's stderr so far. */
static char *stub_err(void)
{
	static char buf[4096];
	FILE *f = fopen(stub_log, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
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
	/* Ctrl-C interrupts a long continue: T02. */
	raw_send(fd, "c");
	usleep(300000);
	cr_assert(write(fd, "\x03", 1) == 1);
	char *stop = raw_reply(fd);
	cr_expect(strstr(stop, "$T02thread:1;#"), "%s", stop);
	raw_send(fd, "k");
	close(fd);
}

/* Stray bytes while the stub waits for an ack are ignored (gdb does the
 * same), '-' makes it send the reply again; before, any byte but '+' or
 * '-' ended the session. */
Test(gdb, stray_bytes_before_the_ack, .fini = stub_stop, .timeout = 60)
{
	signal(SIGPIPE, SIG_IGN); /* a stub that hung up fails the test, not kills it */
	stub_start(KERNEL);
	int fd = raw_connect();
	raw_send(fd, "p20");
	char buf[64] = { 0 };
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	/* The '+' for our packet and the reply, not yet acknowledged. */
	while (n < 13 && poll(&p, 1, 10000) == 1) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - 1 - n);
		cr_assert_gt(k, 0);
		n += (size_t)k;
	}
	cr_expect(strstr(buf, "$00000080#"), "%s", buf);
	/* Noise, then a refusal: the same reply comes again. */
	cr_assert(write(fd, "xyz\r\n}\x7f-", 8) == 8);
	cr_expect(strstr(raw_reply(fd), "$00000080#"), "the reply again after '-'");
	/* The session goes on. */
	raw_send(fd, "?");
	cr_expect(strstr(raw_reply(fd), "$T05thread:1;#"));
	raw_send(fd, "k");
	close(fd);
	cr_expect_eq(stub_wait(), 0, "k ends the session with the guest's status 0");
}

/* Bytes that arrive while the guest runs are kept: a packet sent during a
 * continue is answered after the stop, and 0x03 still interrupts.
 * Before, every byte but 0x03 was thrown away while the guest ran. */
Test(gdb, packets_while_running_are_kept, .fini = stub_stop, .timeout = 60)
{
	stub_start("--append run=primes:2000000 " KERNEL);
	int fd = raw_connect();
	raw_send(fd, "c");
	char plus;
	cr_assert(read(fd, &plus, 1) == 1 && plus == '+', "c acknowledged");
	usleep(200000);
	raw_send(fd, "p20");
	usleep(200000);
	cr_assert(write(fd, "\x03", 1) == 1);
	char *stop = raw_reply(fd);
	cr_expect(strstr(stop, "$T02thread:1;#"), "%s", stop);
	/* The reply to p20 is the pc where the guest stopped: the same as a
	 * p20 asked now. */
	char *pc = strstr(stop, "$T02thread:1;#") ? raw_reply(fd) : stop;
	char *dollar = strrchr(pc, '$'), first[16] = "";
	cr_assert(dollar && strlen(dollar) >= 12, "no reply to the p packet: %s", pc);
	memcpy(first, dollar, 12);
	raw_send(fd, "p20");
	cr_expect(strstr(raw_reply(fd), first), "%s", first);
	raw_send(fd, "k");
	close(fd);
}

/* A client that disconnects before the guest halts, without k or D: one
 * line on stderr and exit status 3 (GDB_EXIT_LEFT), while the guest is
 * stopped and while it runs.  Before, this was a silent exit 0. */
static void leave_early(bool running)
{
	stub_start("--append run=primes:2000000 " KERNEL);
	int fd = raw_connect();
	raw_send(fd, running ? "c" : "?");
	char c;
	cr_assert(read(fd, &c, 1) == 1 && c == '+');
	usleep(200000);
	close(fd);
	cr_expect_eq(stub_wait(), GDB_EXIT_LEFT, "%s", stub_err());
	cr_expect(strstr(stub_err(), "gdb left before the guest halted"), "%s", stub_err());
}
Test(gdb, client_leaving_while_stopped, .fini = stub_stop, .timeout = 60)
{
	leave_early(false);
}
Test(gdb, client_leaving_while_running, .fini = stub_stop, .timeout = 60)
{
	leave_early(true);
}

/* The receiver on its own: bytes in, events out. */
static enum gdb_rx_event feed(struct gdb_rx *rx, const char *bytes, size_t n)
{
	enum gdb_rx_event e = GDB_RX_NONE;
	for (size_t i = 0; i < n; i++) {
		e = gdb_rx_feed(rx, (uint8_t)bytes[i]);
		if (e != GDB_RX_NONE && i + 1 < n)
			cr_expect_fail("event %d before the end of %zu bytes", e, n);
	}
	return e;
}

Test(gdb, receiver)
{
	static struct gdb_rx rx;
	gdb_rx_init(&rx);
	cr_expect_eq(feed(&rx, "+", 1), GDB_RX_ACK);
	cr_expect_eq(feed(&rx, "-", 1), GDB_RX_NACK);
	cr_expect_eq(feed(&rx, "\x03", 1), GDB_RX_INTERRUPT);
	cr_expect_eq(feed(&rx, "xyz", 3), GDB_RX_NONE, "noise between packets");
	cr_expect_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
	cr_expect_str_eq(rx.body, "g");
	cr_expect_eq(feed(&rx, "$g#00", 5), GDB_RX_BAD, "wrong checksum");
	cr_expect_eq(feed(&rx, "$g#zz", 5), GDB_RX_BAD, "checksum not hex");
	cr_expect_eq(feed(&rx, "$garb$g#67", 10), GDB_RX_PACKET, "'$' starts afresh");
	cr_expect_str_eq(rx.body, "g");
	/* \x03 inside a packet is a byte of it, not Ctrl-C. */
	cr_expect_eq(feed(&rx, "$\x03#03", 5), GDB_RX_PACKET);
	/* Longer than GDB_PACKET - 1: refused whole, never cut. */
	cr_expect_eq(feed(&rx, "$", 1), GDB_RX_NONE);
	unsigned sum = 0;
	for (int i = 0; i < GDB_PACKET + 10; i++) {
		cr_assert_eq(gdb_rx_feed(&rx, 'a'), GDB_RX_NONE);
		sum += 'a';
	}
	char tail[4];
	snprintf(tail, sizeof(tail), "#%02x", sum & 0xff);
	cr_expect_eq(feed(&rx, tail, 3), GDB_RX_BAD);
	cr_expect_eq(feed(&rx, "$?#3f", 5), GDB_RX_PACKET, "fine again after it");
}

/* Reverse execution from gdb-multiarch (bs/bc packets): reverse-stepi
 * undoes a stepi, reverse-continue goes back to the previous breakpoint
 * hit, and past the first hit to the entry, where gdb reports the end of
 * the history. */
static void gdb_reverse_session(const char *mode)
{
	char cmd[1024], args[128], want[128];
	struct runner_result r;
	snprintf(args, sizeof(args), "--mode=%s --append run=hello " KERNEL, mode);
	stub_start(args);
	uint32_t putc = viz_t_sym(KERNEL, "uart_putc");
	cr_assert(putc);
	snprintf(cmd, sizeof(cmd),
		 "timeout 90 gdb-multiarch -nx -batch -ex 'set pagination off' "
		 "-ex 'target remote :%d' -ex 'break uart_putc' -ex continue -ex continue "
		 "-ex stepi -ex stepi -ex 'echo AFTER-STEPS\\n' -ex 'info registers pc' "
		 "-ex reverse-stepi -ex 'echo AFTER-RSI\\n' -ex 'info registers pc' "
		 "-ex reverse-continue -ex reverse-continue -ex 'echo AFTER-RC\\n' "
		 "-ex 'info registers pc' -ex reverse-continue -ex 'echo AT-START\\n' "
		 "-ex 'info registers pc' -ex kill " KERNEL,
		 stub_port);
	runner_run(cmd, "", &r);
	const char *steps = strstr(r.out, "AFTER-STEPS"), *rsi = strstr(r.out, "AFTER-RSI");
	const char *rc = strstr(r.out, "AFTER-RC"), *start = strstr(r.out, "AT-START");
	cr_assert(steps && rsi && rc && start, "%s\n%s", r.out, r.err);
	snprintf(want, sizeof(want), "pc             0x%x", putc + 8);
	cr_expect(strstr(steps, want), "two stepi from uart_putc:\n%s", r.out);
	snprintf(want, sizeof(want), "pc             0x%x", putc + 4);
	cr_expect(strstr(rsi, want), "reverse-stepi undid one:\n%s", r.out);
	snprintf(want, sizeof(want), "pc             0x%x", putc);
	cr_expect(strstr(rc, want), "reverse-continue: at the breakpoint again:\n%s", r.out);
	cr_expect(strstr(rc, "No more reverse-execution history") ||
		      strstr(start, "No more reverse-execution history"),
		  "gdb was told the history begins:\n%s", r.out);
	cr_expect(strstr(start, "pc             0x80000000"), "back at the entry:\n%s", r.out);
	runner_free(&r);
}

Test(gdb, reverse_execution_trap, .fini = stub_stop, .timeout = 120)
{
	gdb_reverse_session("trap");
}
Test(gdb, reverse_execution_bare, .fini = stub_stop, .timeout = 120)
{
	gdb_reverse_session("bare");
}

/* Watchpoints (Z2, Z3, Z4) and threads (each VM one) from gdb-multiarch,
 * on two VMs: `watch` stops at each change of a kernel counter with its
 * old and new value, `rwatch` at a load, `awatch` at a load or store;
 * `info threads` lists both VMs, and `thread 2` shows VM 1's registers. */
Test(gdb, watchpoints_and_threads, .fini = stub_stop, .timeout = 120)
{
	char cmd[1024];
	struct runner_result r;
	stub_start("--append run=hello " KERNEL " " KERNEL);
	snprintf(cmd, sizeof(cmd),
		 "timeout 90 gdb-multiarch -nx -batch -ex 'set pagination off' "
		 "-ex 'target remote :%d' -ex 'info threads' -ex 'watch kalloc_nfree' "
		 "-ex continue -ex continue -ex delete -ex 'rwatch proc_cur' -ex continue "
		 "-ex delete -ex 'awatch kalloc_list' -ex continue -ex delete -ex 'thread 2' "
		 "-ex 'info registers pc' -ex kill " KERNEL,
		 stub_port);
	runner_run(cmd, "", &r);
	cr_expect(strstr(r.out, "Thread 1 (vm0: kernel.elf)"), "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "Thread 2 (vm1: kernel.elf)"), "%s", r.out);
	cr_expect(strstr(r.out, "Hardware watchpoint 1: kalloc_nfree"), "%s", r.out);
	cr_expect(strstr(r.out, "Old value = 0\nNew value = 1"), "%s", r.out);
	cr_expect(strstr(r.out, "Old value = 1\nNew value = 2"), "%s", r.out);
	cr_expect(strstr(r.out, "hit Hardware read watchpoint 2: proc_cur"), "%s", r.out);
	cr_expect(strstr(r.out, "hit Hardware access (read/write) watchpoint 3: kalloc_list"), "%s",
		  r.out);
	cr_expect(strstr(r.out, "Switching to thread 2"), "%s", r.out);
	cr_expect(strstr(r.out, "pc             0x80000000"), "VM 1 has not run yet:\n%s", r.out);
	runner_free(&r);
}

/* vCont, and the thread packets, on the wire. */
Test(gdb, vcont_and_thread_packets, .fini = stub_stop, .timeout = 60)
{
	stub_start("--append run=hello " KERNEL " " KERNEL);
	int fd = raw_connect();
	raw_send(fd, "vCont?");
	cr_expect(strstr(raw_reply(fd), "$vCont;c;C;s;S#"));
	raw_send(fd, "vCont;s:1;c");
	cr_expect(strstr(raw_reply(fd), "$T05thread:1;#"));
	raw_send(fd, "p20");
	cr_expect(strstr(raw_reply(fd), "$04000080#"), "one step: pc 0x80000004");
	raw_send(fd, "qfThreadInfo");
	cr_expect(strstr(raw_reply(fd), "$m1,2#"));
	raw_send(fd, "T2");
	cr_expect(strstr(raw_reply(fd), "$OK#"));
	raw_send(fd, "T3");
	cr_expect(strstr(raw_reply(fd), "$E02#"), "no third VM");
	raw_send(fd, "Hg2");
	cr_expect(strstr(raw_reply(fd), "$OK#"));
	raw_send(fd, "qC");
	cr_expect(strstr(raw_reply(fd), "$QC2#"));
	raw_send(fd, "p20");
	cr_expect(strstr(raw_reply(fd), "$00000080#"), "VM 1 is still at its entry");
	raw_send(fd, "Hg5");
	cr_expect(strstr(raw_reply(fd), "$E02#"));
	raw_send(fd, "Z2,8002c0cc,4");
	cr_expect(strstr(raw_reply(fd), "$OK#"));
	raw_send(fd, "z2,8002c0cc,4");
	cr_expect(strstr(raw_reply(fd), "$OK#"));
	raw_send(fd, "z2,8002c0cc,4");
	cr_expect(strstr(raw_reply(fd), "$E01#"), "no such watchpoint any more");
	raw_send(fd, "Z3,0,4");
	cr_expect(strstr(raw_reply(fd), "$E01#"), "unmapped");
	raw_send(fd, "vCont;x");
	cr_expect(strstr(raw_reply(fd), "$E01#"));
	raw_send(fd, "k");
	close(fd);
}

/* The packet handler without a socket, on a real session (the kernel,
 * stopped at its entry): replies and what the connection does next. */
Test(gdb, answer_without_a_socket)
{
	static struct dbg d;
	static char out[2 * GDB_PACKET + 16];
	struct viz_cli cli;
	viz_cli_init(&cli);
	cr_assert_eq(viz_cli_option(&cli, 1, KERNEL, "test"), 1);
	cr_assert_eq(dbg_open(&d, &cli.cfg, NULL, NULL), 0);
	cr_expect_eq(gdb_answer(&d, "p20", out), GDB_REPLY);
	cr_expect_str_eq(out, "00000080", "pc 0x80000000, little-endian");
	cr_expect_eq(gdb_answer(&d, "m0,4", out), GDB_REPLY);
	cr_expect_str_eq(out, "E14");
	cr_expect_eq(gdb_answer(&d, "Zx", out), GDB_REPLY);
	cr_expect_str_eq(out, "", "unknown breakpoint kinds: not supported");
	cr_expect_eq(gdb_answer(&d, "", out), GDB_REPLY);
	cr_expect_str_eq(out, "");
	cr_expect_eq(gdb_answer(&d, "QStartNoAckMode", out), GDB_REPLY_NOACK);
	cr_expect_str_eq(out, "OK");
	cr_expect_eq(gdb_answer(&d, "D", out), GDB_REPLY_END);
	cr_expect_eq(gdb_answer(&d, "vKill;1", out), GDB_REPLY_END);
	cr_expect_eq(gdb_answer(&d, "k", out), GDB_END);
	dbg_close(&d);
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
