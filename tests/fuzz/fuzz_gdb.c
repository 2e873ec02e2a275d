/*
 * fuzz_gdb.c -- libFuzzer target for the GDB remote-protocol packet parser.
 *
 * The input is the byte stream a (possibly hostile) GDB sends.  It goes
 * through a socketpair into the stub's own packet reader (gdb_recv:
 * framing, checksums, Ctrl-C bytes, '+'/'-' answers), and every packet it
 * returns through the stub's argument parsers (addresses and lengths,
 * register words, the qXfer reply).  The file is included, not linked, so
 * its static functions are reachable without changing viz/gdb.c.  The
 * commands that need a live guest (g, m, Z, c ...) are not driven here.
 */
#include "viz/gdb.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	/* The whole input fits the socket buffer (libFuzzer's -max_len is 4096
	 * by default); then EOF, which gdb_recv must see as a hang-up. */
	size_t n = size < 65536 ? size : 65536;
	if (write(sv[1], data, n) != (ssize_t)n)
		abort();
	shutdown(sv[1], SHUT_WR);
	struct gdb_conn c = { .fd = sv[0] };
	static char pkt[GDB_PACKET], out[GDB_PACKET + 16];
	int len;
	while ((len = gdb_recv(&c, pkt, sizeof(pkt))) >= 0) {
		if ((size_t)len >= sizeof(pkt) || pkt[len] != 0)
			abort(); /* the body fits and is NUL-terminated at its length */
		uint32_t a, l, v;
		gdb_parse_addr_len(pkt + 1, &a, &l);
		gdb_parse_hex(pkt + 1, &v);
		if (strlen(pkt) >= 9)
			gdb_get_word(pkt + 1, &v);
		if (!strncmp(pkt, "qXfer:features:read:", 20)) {
			gdb_xfer(pkt + 20, out);
			if (strlen(out) > GDB_PACKET)
				abort();
		}
		if (!strcmp(pkt, "QStartNoAckMode"))
			c.noack = true;
		/* Drain the stub's '+'/'-' answers so the socket never fills. */
		char acks[64];
		while (recv(sv[1], acks, sizeof(acks), MSG_DONTWAIT) > 0)
			;
	}
	close(sv[0]);
	close(sv[1]);
	return 0;
}
