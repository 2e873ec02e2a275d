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
 *   ?            why the target stopped       -> T05thread:1;
 *   g / G        all registers (x0..x31, pc, 32 bits little-endian each)
 *   p n / P n=v  one register
 *   m a,l / M a,l:xx   guest-*virtual* memory (the kernel's own addresses)
 *   Z0/z0, Z1/z1 a,k   breakpoints (the debugger's: guest code untouched)
 *   s / c        step one instruction / continue; stop reply T05 (with
 *                the thread, and watch:/rwatch:/awatch: ADDR after a
 *                watchpoint), T02 after an interrupt, Wxx when the guest
 *                exits
 *   Z2-Z4/z2-z4 a,k  write, read and access watchpoints
 *   vCont? / vCont;ACTION[:TID]...  c, s (C, S: the signal ignored); the
 *                machine runs as a whole, so one action is taken
 *   H g|c TID, T TID, qC, qfThreadInfo, qThreadExtraInfo: each VM is a
 *                thread (TID = VM number + 1), Hg chooses the one whose
 *                registers and memory the packets mean
 *   bs / bc      the same backwards (reverse-stepi, reverse-continue);
 *                T05replaylog:begin when the guest's entry is reached
 *   qSupported, qXfer:features:read:target.xml   the register set, so
 *                gdb-multiarch knows it talks to riscv:rv32
 *   k / D        kill / detach
 * Anything else gets the empty reply: "not supported".
 *
 * Three layers: gdb_rx_feed turns bytes into packets and acks (no
 * socket), gdb_answer turns one packet into a reply (no socket), and the
 * connection below moves bytes, acknowledges, resends, and keeps what
 * arrives while the guest runs.
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

/* How many replies gdb may refuse ('-') in a row before the stub gives
 * up, and how many other bytes may arrive while it waits for an ack
 * before it sends the reply again.  gdb itself resends after a timeout
 * and ignores stray bytes between packets; so does this stub. */
#define GDB_MAX_RESEND 8
#define GDB_ACK_STRAY  (GDB_PACKET + 4)
/* Whole packets held while the guest runs (gdb sends none in all-stop
 * mode but Ctrl-C; a client that does is answered after the stop). */
#define GDB_QUEUE      4

struct gdb_conn {
	int fd;
	struct dbg *d;
	bool noack;	   /* QStartNoAckMode: no '+' either way */
	bool pending_03;   /* a Ctrl-C arrived while reading something else */
	bool hangup;	   /* gdb closed the connection (or it broke) */
	bool client_ended; /* gdb asked to end: k, D or vKill */
	uint8_t in[256];   /* bytes read from the socket, not yet looked at */
	size_t in_pos, in_len;
	struct gdb_rx rx;		   /* the packet being received */
	char queue[GDB_QUEUE][GDB_PACKET]; /* whole packets not handled yet */
	int qhead, qlen;
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

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state = GDB_RX_IDLE;
	rx->len = 0;
	rx->overflow = false;
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t b)
{
	int h = gdb_hex(b);
	switch (rx->state) {
	case GDB_RX_IDLE:
		/* Between packets: acks, Ctrl-C, or the start of a packet.
		 * Anything else is noise on the line and is ignored. */
		if (b == '$') {
			rx->state = GDB_RX_BODY;
			rx->len = 0;
			rx->sum = 0;
			rx->overflow = false;
		}
		return b == '+'	   ? GDB_RX_ACK
		       : b == '-'  ? GDB_RX_NACK
		       : b == 0x03 ? GDB_RX_INTERRUPT
				   : GDB_RX_NONE;
	case GDB_RX_BODY:
		if (b == '#') {
			rx->state = GDB_RX_SUM1;
		} else if (b == '$') {
			rx->len = 0; /* a new start: the broken packet is dropped */
			rx->sum = 0;
			rx->overflow = false;
		} else if (rx->len + 1 < sizeof(rx->body)) {
			rx->body[rx->len++] = (char)b;
			rx->sum += b;
		} else {
			rx->overflow = true; /* refused at its end, never cut */
		}
		return GDB_RX_NONE;
	case GDB_RX_SUM1:
		rx->hi = h;
		rx->state = GDB_RX_SUM2;
		return GDB_RX_NONE;
	case GDB_RX_SUM2:
		rx->state = GDB_RX_IDLE;
		rx->body[rx->len] = 0;
		if (rx->hi < 0 || h < 0 || rx->overflow ||
		    (unsigned)(rx->hi << 4 | h) != (rx->sum & 0xff))
			return GDB_RX_BAD;
		return GDB_RX_PACKET;
	}
	return GDB_RX_NONE;
}

static bool gdb_put(struct gdb_conn *c, const void *buf, size_t len)
{
	if (write(c->fd, buf, len) == (ssize_t)len)
		return true;
	c->hangup = true;
	return false;
}

/* The next byte from gdb: waits for it if `wait`; -2 if none is there
 * (and !wait), -1 when gdb hung up. */
static int gdb_byte(struct gdb_conn *c, bool wait)
{
	if (c->in_pos == c->in_len) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		if (c->hangup)
			return -1;
		if (!wait && poll(&p, 1, 0) != 1)
			return -2;
		ssize_t n;
		do
			n = read(c->fd, c->in, sizeof(c->in));
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			c->hangup = true;
			return -1;
		}
		c->in_pos = 0;
		c->in_len = (size_t)n;
	}
	return c->in[c->in_pos++];
}

/*
 * Take one byte off the wire and run it through the receiver, doing what
 * every state of the stub does with the result: note a Ctrl-C, queue and
 * acknowledge a whole packet, refuse ('-') a corrupt one, or one that
 * finds the queue full (gdb sends it again).  Returns the event, -2 if no
 * byte was there (and !wait), -1 when gdb hung up.
 */
static int gdb_pump(struct gdb_conn *c, bool wait)
{
	int b = gdb_byte(c, wait);
	if (b < 0)
		return b;
	enum gdb_rx_event e = gdb_rx_feed(&c->rx, (uint8_t)b);
	if (e == GDB_RX_INTERRUPT)
		c->pending_03 = true;
	if (e == GDB_RX_PACKET && c->qlen < GDB_QUEUE) {
		memcpy(c->queue[(c->qhead + c->qlen++) % GDB_QUEUE], c->rx.body, c->rx.len + 1);
		if (!c->noack && !gdb_put(c, "+", 1))
			return -1;
	} else if (e == GDB_RX_PACKET || e == GDB_RX_BAD) {
		if (!c->noack && !gdb_put(c, "-", 1))
			return -1;
	}
	return (int)e;
}

/* The next whole packet's body into buf (GDB_PACKET bytes); -1 when gdb
 * hung up. */
static int gdb_recv(struct gdb_conn *c, char *buf)
{
	while (!c->qlen)
		if (gdb_pump(c, true) == -1)
			return -1;
	strcpy(buf, c->queue[c->qhead]);
	c->qhead = (c->qhead + 1) % GDB_QUEUE;
	c->qlen--;
	return 0;
}

/* Send one packet and wait for its '+': resend on '-' (or after a lot of
 * noise), up to GDB_MAX_RESEND times.  0, or -1 if gdb hung up or never
 * took it (after a message). */
static int gdb_send(struct gdb_conn *c, const char *body)
{
	size_t len = strlen(body);
	char *pkt = malloc(len + 5);
	int r = -1;
	if (!pkt)
		return -1;
	snprintf(pkt, len + 5, "$%s#%02x", body, gdb_checksum(body, len));
	for (int tries = 0; tries <= GDB_MAX_RESEND && !c->hangup; tries++) {
		if (!gdb_put(c, pkt, len + 4))
			break;
		if (c->noack) {
			r = 0;
			break;
		}
		int e = GDB_RX_NONE;
		for (int stray = 0; stray < GDB_ACK_STRAY; stray++) {
			e = gdb_pump(c, true);
			if (e == -1 || e == GDB_RX_ACK || e == GDB_RX_NACK)
				break;
		}
		if (e == GDB_RX_ACK) {
			r = 0;
			break;
		}
		if (tries == GDB_MAX_RESEND)
			fprintf(stderr,
				"trapvisor debug: --gdb: gdb did not acknowledge a reply "
				"after %d tries; ending the session\n",
				GDB_MAX_RESEND + 1);
	}
	free(pkt);
	return r;
}

/* Asked while the guest runs: has gdb sent Ctrl-C (or hung up)?  Every
 * byte waiting is read and kept: a packet gdb sends meanwhile is queued
 * and answered after the stop. */
static bool gdb_interrupted(void *ctx)
{
	struct gdb_conn *c = ctx;
	/* A bounded look each time, so a client that never stops sending
	 * cannot keep the guest from running. */
	for (int n = 0; n < GDB_PACKET && !c->pending_03; n++)
		if (gdb_pump(c, false) < 0)
			break;
	bool r = c->pending_03 || c->hangup; /* a hang-up stops the guest too */
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
static void gdb_stop_reply(struct dbg *d, char *out)
{
	static const char *const why[] = { "", "watch", "rwatch", "awatch" };
	int code = 0;
	switch (d->last_stop) {
	case DBG_STOP_EXIT:
		d->t.ops->halted(&d->t, &code);
		sprintf(out, "W%02x", code & 0xff);
		break;
	case DBG_STOP_INTERRUPT:
		sprintf(out, "T02thread:%x;", d->t.vm + 1); /* SIGINT */
		break;
	case DBG_STOP_WATCH:
		/* Which watchpoint, so gdb can say "Hardware watchpoint 2: ..." */
		if (d->last_watch && d->last_watch->kind != DBG_WATCH_CHANGE) {
			sprintf(out, "T05%s:%x;thread:%x;", why[d->last_watch->kind],
				d->last_watch->va, d->t.vm + 1);
			break;
		}
		/* fall through */
	default: sprintf(out, "T05thread:%x;", d->t.vm + 1); /* SIGTRAP */
	}
}

/* Threads: each VM is one, numbered from 1 (GDB's thread ids are
 * positive).  Hg/Hc choose the VM whose registers and memory the next
 * packets mean; the machine always runs as a whole. */
static void gdb_thread_select(struct dbg *d, const char *pkt, char *out)
{
	uint32_t tid;
	if (pkt[1] != 'g' && pkt[1] != 'c') {
		out[0] = 0;
		return;
	}
	if (!strcmp(pkt + 2, "0") || !strcmp(pkt + 2, "-1")) { /* any, all */
		strcpy(out, "OK");
		return;
	}
	if (!gdb_parse_hex(pkt + 2, &tid) || !tid || d->t.ops->select_vm(&d->t, (int)tid - 1)) {
		strcpy(out, "E02");
		return;
	}
	strcpy(out, "OK");
}

static void gdb_thread_list(struct dbg *d, char *out)
{
	char *p = out + sprintf(out, "m");
	for (int i = 0; i < d->cfg.nguests; i++)
		p += sprintf(p, "%s%x", i ? "," : "", i + 1);
}

/* qThreadExtraInfo,TID: "vm0: kernel.elf", hex-encoded, for info threads. */
static void gdb_thread_info(struct dbg *d, const char *args, char *out)
{
	uint32_t tid;
	char text[128];
	if (!gdb_parse_hex(args, &tid) || !tid || (int)tid > d->cfg.nguests) {
		strcpy(out, "E02");
		return;
	}
	const char *elf = d->cfg.guest[tid - 1].elf_path, *base = strrchr(elf, '/');
	snprintf(text, sizeof(text), "vm%u: %s", tid - 1, base ? base + 1 : elf);
	for (size_t i = 0; text[i]; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)text[i]);
}

/* vCont: the one action for all threads (the machine runs as a whole):
 * c or s, with an optional thread; C and S (with a signal) as c and s. */
static void gdb_vcont(struct dbg *d, const char *pkt, char *out)
{
	if (!strcmp(pkt, "vCont?")) {
		strcpy(out, "vCont;c;C;s;S");
		return;
	}
	const char *a = pkt + 5; /* after "vCont" */
	if (*a != ';') {
		out[0] = 0;
		return;
	}
	char act = a[1];
	if (act != 'c' && act != 'C' && act != 's' && act != 'S') {
		strcpy(out, "E01");
		return;
	}
	/* "s:2;c": step thread 2, others continue -- one machine: a step. */
	bool step = act == 's' || act == 'S';
	for (const char *p = a; (p = strchr(p, ';')); p++)
		if (p[1] == 's' || p[1] == 'S')
			step = true;
	const char *colon = strchr(a, ':');
	uint32_t tid;
	if (colon && (!colon[1] || colon[1] == ';'))
		colon = NULL;
	if (colon && gdb_parse_hex(colon + 1, &tid) && tid && (int)tid <= d->cfg.nguests)
		d->t.ops->select_vm(&d->t, (int)tid - 1);
	dbg_resume(d, step ? 1 : UINT64_MAX);
	gdb_stop_reply(d, out);
}

/* bs / bc: step or continue backwards (viz/reverse.c).  Reaching the
 * start of the history is the stop reason "replaylog:begin", which makes
 * gdb say "No more reverse-execution history." */
static void gdb_reverse(struct dbg *d, const char *pkt, char *out)
{
	int r;
	if (!strcmp(pkt, "bs"))
		r = dbg_reverse_step(d, 1);
	else if (!strcmp(pkt, "bc"))
		r = dbg_reverse_continue(d);
	else
		return; /* unknown: the empty reply */
	if (r < 0)
		strcpy(out, "E01");
	else if (r == DBG_STOP_BEGIN)
		strcpy(out, "T05replaylog:begin;");
	else
		sprintf(out, "T05thread:%x;", d->t.vm + 1);
}

static void gdb_regs(struct dbg *d, char *out)
{
	uint32_t x[32], pc;
	d->t.ops->guest_regs(&d->t, x, &pc);
	for (int r = 0; r < 32; r++)
		gdb_put_word(out + 8 * r, x[r]);
	gdb_put_word(out + 8 * 32, pc);
	out[8 * 33] = 0;
}

static void gdb_read_mem(struct dbg *d, const char *args, char *out)
{
	uint32_t addr, len;
	uint8_t buf[GDB_PACKET / 2];
	if (!gdb_parse_addr_len(args, &addr, &len) || len > sizeof(buf) - 1) {
		strcpy(out, "E01");
		return;
	}
	/* Byte by byte past the first failure: gdb wants what is readable. */
	uint32_t n = 0;
	if (viz_read_virt(&d->t, addr, buf, len) == 0)
		n = len;
	else
		while (n < len && viz_read_virt(&d->t, addr + n, buf + n, 1) == 0)
			n++;
	if (!n && len) {
		strcpy(out, "E14"); /* EFAULT */
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
	out[2 * n] = 0;
}

static void gdb_write_mem(struct dbg *d, const char *args, char *out)
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
	strcpy(out, dbg_write_virt(d, addr, buf, len) ? "E14" : "OK");
}

/* Z0/Z1 (insert) and z0/z1 (remove) at a,kind.  Watchpoints: not here. */
static void gdb_breakpoint(struct dbg *d, const char *pkt, char *out)
{
	/* Z2/Z3/Z4: write, read and access watchpoints (dbg.h). */
	static const enum dbg_watch_kind kinds[] = { DBG_WATCH_WRITE, DBG_WATCH_READ,
						     DBG_WATCH_ACCESS };
	uint32_t addr, kind;
	if (pkt[1] < '0' || pkt[1] > '4' || pkt[2] != ',' ||
	    !gdb_parse_addr_len(pkt + 3, &addr, &kind)) {
		out[0] = 0; /* other kinds: not supported */
		return;
	}
	if (pkt[1] >= '2') {
		enum dbg_watch_kind k = kinds[pkt[1] - '2'];
		FILE *quiet = d->out; /* a refusal is the reply, not a line */
		d->out = fopen("/dev/null", "w");
		if (!d->out)
			d->out = quiet;
		int r = pkt[0] == 'Z' ? (dbg_watch_add_access(d, k, addr, kind) > 0 ? 0 : -1)
				      : dbg_watch_delete_at(d, k, addr);
		if (d->out != quiet)
			fclose(d->out);
		d->out = quiet;
		strcpy(out, r ? "E01" : "OK");
		return;
	}
	if (pkt[0] == 'Z')
		strcpy(out, dbg_break_add(d, addr, false) > 0 ? "OK" : "E28");
	else
		strcpy(out, dbg_break_delete_at(d, addr) ? "E01" : "OK");
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

enum gdb_action gdb_answer(struct dbg *d, const char *pkt, char *out)
{
	uint32_t r, v;
	const char *p;
	out[0] = 0;
	switch (pkt[0]) {
	case '?': sprintf(out, "T05thread:%x;", d->t.vm + 1); break;
	case 'g': gdb_regs(d, out); break;
	case 'G':
		for (unsigned i = 1; i <= 32 && strlen(pkt + 1) >= 8 * (i + 1); i++)
			if (gdb_get_word(pkt + 1 + 8 * i, &v))
				dbg_set_reg(d, i, v);
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
		dbg_set_reg(d, r, v);
		strcpy(out, "OK");
		break;
	case 'm': gdb_read_mem(d, pkt + 1, out); break;
	case 'M': gdb_write_mem(d, pkt + 1, out); break;
	case 'Z':
	case 'z': gdb_breakpoint(d, pkt, out); break;
	case 's':
	case 'c':
		if (pkt[1]) { /* s ADDR / c ADDR: resume at ADDR */
			if (!gdb_parse_hex(pkt + 1, &v)) {
				strcpy(out, "E01");
				break;
			}
			dbg_set_reg(d, 32, v);
		}
		dbg_resume(d, pkt[0] == 's' ? 1 : UINT64_MAX);
		gdb_stop_reply(d, out);
		break;
	case 'b': gdb_reverse(d, pkt, out); break;
	case 'H': gdb_thread_select(d, pkt, out); break;
	case 'T':
		if (gdb_parse_hex(pkt + 1, &r) && r && (int)r <= d->cfg.nguests)
			strcpy(out, "OK");
		else
			strcpy(out, "E02");
		break;
	case 'k': return GDB_END;
	case 'D': strcpy(out, "OK"); return GDB_REPLY_END;
	case 'q':
		if (!strncmp(pkt, "qSupported", 10))
			snprintf(out, GDB_PACKET,
				 "PacketSize=%x;qXfer:features:read+;swbreak+;"
				 "ReverseStep+;ReverseContinue+",
				 GDB_PACKET);
		else if (!strncmp(pkt, "qXfer:features:read:", 20))
			gdb_xfer(pkt + 20, out);
		else if (!strcmp(pkt, "qAttached"))
			strcpy(out, "1");
		else if (!strcmp(pkt, "qC"))
			sprintf(out, "QC%x", d->t.vm + 1);
		else if (!strcmp(pkt, "qfThreadInfo"))
			gdb_thread_list(d, out);
		else if (!strncmp(pkt, "qThreadExtraInfo,", 17))
			gdb_thread_info(d, pkt + 17, out);
		else if (!strcmp(pkt, "qsThreadInfo"))
			strcpy(out, "l");
		else if (!strncmp(pkt, "qSymbol", 7))
			strcpy(out, "OK");
		break;
	case 'Q':
		if (!strcmp(pkt, "QStartNoAckMode")) {
			strcpy(out, "OK");
			return GDB_REPLY_NOACK;
		}
		break;
	case 'v':
		if (!strncmp(pkt, "vKill", 5)) {
			strcpy(out, "OK");
			return GDB_REPLY_END;
		}
		if (!strncmp(pkt, "vCont", 5))
			gdb_vcont(d, pkt, out);
		break; /* the rest: not supported */
	}
	return GDB_REPLY;
}

/* Handle one packet; returns 1 to go on, 0 when the session ends. */
static int gdb_handle(struct gdb_conn *c, const char *pkt, char *out)
{
	enum gdb_action a = gdb_answer(c->d, pkt, out);
	if (a == GDB_END || a == GDB_REPLY_END)
		c->client_ended = true;
	if (a == GDB_END)
		return 0;
	if (gdb_send(c, out))
		return 0;
	if (a == GDB_REPLY_NOACK)
		c->noack = true; /* from the packet after this reply's ack */
	return a != GDB_REPLY_END;
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

	struct gdb_conn *c = calloc(1, sizeof(*c));
	char *pkt = malloc(GDB_PACKET), *out = malloc(2 * GDB_PACKET + 16);
	int status = 0, code = 0;
	if (!c || !pkt || !out) {
		fprintf(stderr, "trapvisor debug: --gdb: out of memory\n");
		status = 1;
		goto out;
	}
	c->fd = fd;
	c->d = d;
	gdb_rx_init(&c->rx);
	d->interrupted = gdb_interrupted;
	d->interrupted_ctx = c;
	while (gdb_recv(c, pkt) == 0)
		if (!gdb_handle(c, pkt, out))
			break;
	d->interrupted = NULL;
	/* The guest's own status once it is done, or when gdb ended the
	 * session (k, D); gdb vanishing mid-debug is an error of its own. */
	if (d->t.ops->halted(&d->t, &code) || c->client_ended) {
		status = code;
	} else {
		fprintf(stderr,
			"trapvisor debug: gdb left before the guest halted (pc 0x%08x); "
			"exit status %d\n",
			viz_pc(&d->t), GDB_EXIT_LEFT);
		status = GDB_EXIT_LEFT;
	}
out:
	free(c);
	free(pkt);
	free(out);
	close(fd);
	return status;
}
