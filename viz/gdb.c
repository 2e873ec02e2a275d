/*
 * gdb.c -- the GDB remote serial protocol (gdb.h), as GDB's manual
 * "Remote Protocol" appendix describes it.  Everything on the wire is a
 * packet
 *
 *     $ body # cc        cc = sum of body's bytes mod 256, two hex digits
 *
 * answered by '+' (good) or '-' (resend), except the lone byte 0x03 that
 * GDB sends when the user presses Ctrl-C.  The stub answers:
 *
 *   ?            why the target stopped       -> S05
 *   g / G        all registers (x0..x31, pc, 32 bits little-endian each)
 *   p n / P n=v  one register
 *   m a,l / M a,l:xx   guest-*virtual* memory (the kernel's own addresses)
 *   Z0/z0, Z1/z1 a,k   breakpoints (the debugger's: guest code untouched)
 *   s / c        step one instruction / continue; stop reply S05, S02
 *                after an interrupt, Wxx when the guest exits
 *   qSupported, qXfer:features:read:target.xml   the register set, so
 *                gdb-multiarch knows it talks to riscv:rv32
 *   k / D        kill / detach
 * Anything else gets the empty reply: "not supported".
 */
#include "viz/gdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GDB_PACKET 4096

/* The register set, in GDB's own names for RISC-V (features/riscv/
 * 32bit-cpu.xml), numbered 0..32 in this order. */
/* clang-format off */
#define GDB_REG(n, type) "<reg name=\"" n "\" bitsize=\"32\" type=\"" type "\"/>"
const char gdb_target_xml[] =
	"<?xml version=\"1.0\"?>"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target version=\"1.0\">"
	"<architecture>riscv:rv32</architecture>"
	"<feature name=\"org.gnu.gdb.riscv.cpu\">"
	"<reg name=\"zero\" bitsize=\"32\" type=\"int\" regnum=\"0\"/>"
	GDB_REG("ra", "code_ptr") GDB_REG("sp", "data_ptr") GDB_REG("gp", "data_ptr")
	GDB_REG("tp", "data_ptr") GDB_REG("t0", "int") GDB_REG("t1", "int") GDB_REG("t2", "int")
	GDB_REG("fp", "data_ptr") GDB_REG("s1", "int") GDB_REG("a0", "int") GDB_REG("a1", "int")
	GDB_REG("a2", "int") GDB_REG("a3", "int") GDB_REG("a4", "int") GDB_REG("a5", "int")
	GDB_REG("a6", "int") GDB_REG("a7", "int") GDB_REG("s2", "int") GDB_REG("s3", "int")
	GDB_REG("s4", "int") GDB_REG("s5", "int") GDB_REG("s6", "int") GDB_REG("s7", "int")
	GDB_REG("s8", "int") GDB_REG("s9", "int") GDB_REG("s10", "int") GDB_REG("s11", "int")
	GDB_REG("t3", "int") GDB_REG("t4", "int") GDB_REG("t5", "int") GDB_REG("t6", "int")
	GDB_REG("pc", "code_ptr")
	"</feature></target>";
/* clang-format on */

struct gdb_conn {
	int fd;
	struct dbg *d;
	bool noack;	 /* QStartNoAckMode: no '+' either way */
	bool pending_03; /* a Ctrl-C arrived while reading something else */
};

unsigned gdb_checksum(const char *body, size_t len)
{
	unsigned sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)body[i];
	return sum & 0xff;
}

static int gdb_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex digits at s into *v; returns the end, or NULL if none. */
static const char *gdb_parse_hex(const char *s, uint32_t *v)
{
	uint64_t x = 0;
	const char *p = s;
	for (; gdb_hex(*p) >= 0; p++) {
		x = x << 4 | (uint64_t)gdb_hex(*p);
		if (x > UINT32_MAX)
			return NULL;
	}
	*v = (uint32_t)x;
	return p == s ? NULL : p;
}

const char *gdb_parse_addr_len(const char *s, uint32_t *addr, uint32_t *len)
{
	s = gdb_parse_hex(s, addr);
	if (!s || *s != ',')
		return NULL;
	return gdb_parse_hex(s + 1, len);
}

static int gdb_getc(struct gdb_conn *c)
{
	unsigned char b;
	ssize_t n;
	do
		n = read(c->fd, &b, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? b : -1;
}

/* Read one packet body into buf; -1 when GDB hung up. */
static int gdb_recv(struct gdb_conn *c, char *buf, size_t cap)
{
	for (;;) {
		int ch;
		while ((ch = gdb_getc(c)) != '$') {
			if (ch < 0)
				return -1;
			if (ch == 0x03)
				c->pending_03 = true;
		}
		size_t n = 0;
		while ((ch = gdb_getc(c)) != '#') {
			if (ch < 0)
				return -1;
			if (n + 1 < cap)
				buf[n++] = (char)ch;
		}
		buf[n] = 0;
		int h = gdb_getc(c), l = gdb_getc(c);
		if (h < 0 || l < 0)
			return -1;
		bool good = gdb_hex(h) >= 0 && gdb_hex(l) >= 0 &&
			    (unsigned)(gdb_hex(h) << 4 | gdb_hex(l)) == gdb_checksum(buf, n);
		if (c->noack)
			return (int)n;
		if (write(c->fd, good ? "+" : "-", 1) != 1)
			return -1;
		if (good)
			return (int)n;
	}
}

static int gdb_send(struct gdb_conn *c, const char *body)
{
	size_t len = strlen(body);
	char *pkt = malloc(len + 5);
	if (!pkt)
		return -1;
	snprintf(pkt, len + 5, "$%s#%02x", body, gdb_checksum(body, len));
	for (int tries = 0; tries < 5; tries++) {
		if (write(c->fd, pkt, len + 4) != (ssize_t)(len + 4))
			break;
		if (c->noack) {
			free(pkt);
			return 0;
		}
		int ch;
		while ((ch = gdb_getc(c)) == 0x03)
			c->pending_03 = true;
		if (ch == '+') {
			free(pkt);
			return 0;
		}
		if (ch != '-')
			break;
	}
	free(pkt);
	return -1;
}

/* Ctrl-C while the guest runs: is a 0x03 waiting on the socket? */
static bool gdb_interrupted(void *ctx)
{
	struct gdb_conn *c = ctx;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	while (!c->pending_03 && poll(&p, 1, 0) == 1) {
		int ch = gdb_getc(c);
		if (ch < 0 || ch == 0x03)
			c->pending_03 = true; /* a hang-up stops the guest too */
	}
	bool r = c->pending_03;
	c->pending_03 = false;
	return r;
}

static void gdb_put_word(char *out, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		sprintf(out + 2 * i, "%02x", (v >> (8 * i)) & 0xff);
}

static bool gdb_get_word(const char *s, uint32_t *v)
{
	uint32_t x = 0;
	for (int i = 0; i < 4; i++) {
		int h = gdb_hex(s[2 * i]), l = h >= 0 ? gdb_hex(s[2 * i + 1]) : -1;
		if (l < 0)
			return false;
		x |= (uint32_t)(h << 4 | l) << (8 * i);
	}
	*v = x;
	return true;
}

/* The stop reply for how the last resume ended. */
static void gdb_stop_reply(struct gdb_conn *c, char *out)
{
	int code = 0;
	switch (c->d->last_stop) {
	case DBG_STOP_EXIT:
		c->d->t.ops->halted(&c->d->t, &code);
		sprintf(out, "W%02x", code & 0xff);
		break;
	case DBG_STOP_INTERRUPT:
		strcpy(out, "S02"); /* SIGINT */
		break;
	default: strcpy(out, "S05"); /* SIGTRAP */
	}
}

static void gdb_regs(struct gdb_conn *c, char *out)
{
	uint32_t x[32], pc;
	c->d->t.ops->guest_regs(&c->d->t, x, &pc);
	for (int r = 0; r < 32; r++)
		gdb_put_word(out + 8 * r, x[r]);
	gdb_put_word(out + 8 * 32, pc);
	out[8 * 33] = 0;
}

static void gdb_read_mem(struct gdb_conn *c, const char *args, char *out)
{
	uint32_t addr, len;
	uint8_t buf[GDB_PACKET / 2];
	if (!gdb_parse_addr_len(args, &addr, &len) || len > sizeof(buf) - 1) {
		strcpy(out, "E01");
		return;
	}
	/* Byte by byte past the first failure: gdb wants what is readable. */
	uint32_t n = 0;
	if (viz_read_virt(&c->d->t, addr, buf, len) == 0)
		n = len;
	else
		while (n < len && viz_read_virt(&c->d->t, addr + n, buf + n, 1) == 0)
			n++;
	if (!n && len) {
		strcpy(out, "E14"); /* EFAULT */
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
	out[2 * n] = 0;
}

static void gdb_write_mem(struct gdb_conn *c, const char *args, char *out)
{
	uint32_t addr, len;
	uint8_t buf[GDB_PACKET / 2];
	const char *p = gdb_parse_addr_len(args, &addr, &len);
	if (!p || *p != ':' || len > sizeof(buf) || strlen(p + 1) != 2 * (size_t)len) {
		strcpy(out, "E01");
		return;
	}
	for (uint32_t i = 0; i < len; i++) {
		int h = gdb_hex(p[1 + 2 * i]), l = gdb_hex(p[2 + 2 * i]);
		if (h < 0 || l < 0) {
			strcpy(out, "E01");
			return;
		}
		buf[i] = (uint8_t)(h << 4 | l);
	}
	strcpy(out, dbg_write_virt(c->d, addr, buf, len) ? "E14" : "OK");
}

/* Z0/Z1 (insert) and z0/z1 (remove) at a,kind.  Watchpoints: not here. */
static void gdb_breakpoint(struct gdb_conn *c, const char *pkt, char *out)
{
	uint32_t addr, kind;
	if ((pkt[1] != '0' && pkt[1] != '1') || pkt[2] != ',' ||
	    !gdb_parse_addr_len(pkt + 3, &addr, &kind)) {
		out[0] = 0; /* other kinds: not supported */
		return;
	}
	if (pkt[0] == 'Z')
		strcpy(out, dbg_break_add(c->d, addr, false) > 0 ? "OK" : "E28");
	else
		strcpy(out, dbg_break_delete_at(c->d, addr) ? "E01" : "OK");
}

static void gdb_xfer(const char *args, char *out)
{
	uint32_t off, len;
	const char *p = "target.xml:";
	size_t total = sizeof(gdb_target_xml) - 1;
	if (strncmp(args, p, strlen(p)) || !gdb_parse_addr_len(args + strlen(p), &off, &len)) {
		strcpy(out, "E00");
		return;
	}
	if (len > GDB_PACKET - 8)
		len = GDB_PACKET - 8;
	if (off >= total) {
		strcpy(out, "l");
		return;
	}
	size_t n = total - off < len ? total - off : len;
	out[0] = off + n < total ? 'm' : 'l';
	memcpy(out + 1, gdb_target_xml + off, n);
	out[1 + n] = 0;
}

/* Handle one packet; returns 1 to go on, 0 when the session ends. */
static int gdb_handle(struct gdb_conn *c, char *pkt, char *out)
{
	struct dbg *d = c->d;
	uint32_t r, v;
	const char *p;
	out[0] = 0;
	switch (pkt[0]) {
	case '?': strcpy(out, "S05"); break;
	case 'g': gdb_regs(c, out); break;
	case 'G':
		for (unsigned i = 1; i <= 32 && strlen(pkt + 1) >= 8 * (i + 1); i++)
			if (gdb_get_word(pkt + 1 + 8 * i, &v))
				d->t.ops->set_reg(&d->t, i, v);
		strcpy(out, "OK");
		break;
	case 'p':
		if (!gdb_parse_hex(pkt + 1, &r) || r > 32) {
			strcpy(out, "E01");
			break;
		}
		uint32_t x[32], pc;
		d->t.ops->guest_regs(&d->t, x, &pc);
		gdb_put_word(out, r == 32 ? pc : x[r]);
		out[8] = 0;
		break;
	case 'P':
		p = gdb_parse_hex(pkt + 1, &r);
		if (!p || *p != '=' || r > 32 || !gdb_get_word(p + 1, &v)) {
			strcpy(out, "E01");
			break;
		}
		d->t.ops->set_reg(&d->t, r, v);
		strcpy(out, "OK");
		break;
	case 'm': gdb_read_mem(c, pkt + 1, out); break;
	case 'M': gdb_write_mem(c, pkt + 1, out); break;
	case 'Z':
	case 'z': gdb_breakpoint(c, pkt, out); break;
	case 's':
	case 'c':
		if (pkt[1]) { /* s ADDR / c ADDR: resume at ADDR */
			if (!gdb_parse_hex(pkt + 1, &v)) {
				strcpy(out, "E01");
				break;
			}
			d->t.ops->set_reg(&d->t, 32, v);
		}
		dbg_resume(d, pkt[0] == 's' ? 1 : UINT64_MAX);
		gdb_stop_reply(c, out);
		break;
	case 'H':
	case 'T': strcpy(out, "OK"); break;
	case 'k': return 0;
	case 'D': gdb_send(c, "OK"); return 0;
	case 'q':
		if (!strncmp(pkt, "qSupported", 10))
			snprintf(out, GDB_PACKET, "PacketSize=%x;qXfer:features:read+;swbreak+",
				 GDB_PACKET);
		else if (!strncmp(pkt, "qXfer:features:read:", 20))
			gdb_xfer(pkt + 20, out);
		else if (!strcmp(pkt, "qAttached"))
			strcpy(out, "1");
		else if (!strcmp(pkt, "qC"))
			strcpy(out, "QC1");
		else if (!strcmp(pkt, "qfThreadInfo"))
			strcpy(out, "m1");
		else if (!strcmp(pkt, "qsThreadInfo"))
			strcpy(out, "l");
		else if (!strncmp(pkt, "qSymbol", 7))
			strcpy(out, "OK");
		break;
	case 'Q':
		if (!strcmp(pkt, "QStartNoAckMode")) {
			gdb_send(c, "OK");
			c->noack = true;
			return 1;
		}
		break;
	case 'v':
		if (!strncmp(pkt, "vKill", 5)) {
			gdb_send(c, "OK");
			return 0;
		}
		break; /* vCont? and the rest: not supported, gdb uses s/c */
	}
	return gdb_send(c, out) == 0;
}

int gdb_serve(struct dbg *d, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		fprintf(stderr, "trapvisor debug: --gdb %d: cannot listen on 127.0.0.1:%d: %s\n",
			port, port, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return 2;
	}
	fprintf(stderr, "trapvisor: waiting for gdb on 127.0.0.1:%d (target remote :%d)\n", port,
		port);
	int fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd < 0) {
		fprintf(stderr, "trapvisor debug: --gdb: accept: %s\n", strerror(errno));
		return 2;
	}
	signal(SIGPIPE, SIG_IGN); /* a vanished gdb is a read error, not a kill */

	struct gdb_conn c = { .fd = fd, .d = d };
	char *pkt = malloc(GDB_PACKET), *out = malloc(2 * GDB_PACKET + 16);
	d->interrupted = gdb_interrupted;
	d->interrupted_ctx = &c;
	while (pkt && out && gdb_recv(&c, pkt, GDB_PACKET) >= 0)
		if (!gdb_handle(&c, pkt, out))
			break;
	d->interrupted = NULL;
	free(pkt);
	free(out);
	close(fd);
	int code = 0;
	d->t.ops->halted(&d->t, &code);
	return code;
}
