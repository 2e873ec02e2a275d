/*
 * gdb.h -- a GDB remote serial protocol stub over the command engine, so
 * `gdb-multiarch` debugs a TRV32 guest with `target remote :PORT`.
 */
#ifndef VIZ_GDB_H
#define VIZ_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "viz/dbg.h"

/* The exit status when gdb closes the connection before the guest has
 * halted without asking to end (k, D): the session was cut short. */
#define GDB_EXIT_LEFT 3

/* Listen on 127.0.0.1:port, serve one GDB connection until it kills or
 * detaches (or the guest ends and GDB hangs up).  Returns the process
 * exit status: the guest's once it halted or gdb ended the session, 2 if
 * the port cannot be opened, GDB_EXIT_LEFT (after one line) if gdb went
 * away before the guest halted. */
int gdb_serve(struct dbg *d, int port);

/* --- the protocol's pure parts (tested on their own) --- */

/* The checksum of a packet body: the sum of its bytes mod 256. */
unsigned gdb_checksum(const char *body, size_t len);
/* Parse "ADDR,LEN" (hex) at s; returns the rest (after LEN) or NULL. */
const char *gdb_parse_addr_len(const char *s, uint32_t *addr, uint32_t *len);
/* The receiver: a state machine fed one byte at a time, pure (no socket),
 * the packet parser's entry point for fuzzing.  Between packets it
 * reports '+', '-' and Ctrl-C (0x03) and ignores other bytes; a packet
 * "$body#cc" ends as GDB_RX_PACKET (body NUL-terminated in rx->body) or
 * GDB_RX_BAD (wrong checksum, or longer than GDB_PACKET - 1 bytes).  A
 * '$' inside a packet starts it afresh. */
#define GDB_PACKET 4096
enum gdb_rx_event {
	GDB_RX_NONE,	  /* nothing yet */
	GDB_RX_PACKET,	  /* a whole, good packet */
	GDB_RX_BAD,	  /* a whole packet that must be refused with '-' */
	GDB_RX_ACK,	  /* '+' */
	GDB_RX_NACK,	  /* '-' */
	GDB_RX_INTERRUPT, /* 0x03, Ctrl-C */
};
struct gdb_rx {
	enum { GDB_RX_IDLE, GDB_RX_BODY, GDB_RX_SUM1, GDB_RX_SUM2 } state;
	size_t len;
	bool overflow;
	unsigned sum;
	int hi;
	char body[GDB_PACKET];
};
void gdb_rx_init(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t byte);

/* Answer one packet body `pkt` (NUL-terminated, from gdb_rx_feed) on the
 * session d: the reply body goes to out (room for 2 * GDB_PACKET + 16
 * bytes; "" = not supported), and the result says what the connection
 * does next.  No socket: the packet handler's entry point for fuzzing
 * ('c' and 's' run the guest, so a fuzzer may want to skip them). */
enum gdb_action {
	GDB_REPLY,	 /* send out, go on */
	GDB_REPLY_NOACK, /* send out, then stop using '+'/'-' (QStartNoAckMode) */
	GDB_REPLY_END,	 /* send out, then end the session (D, vKill) */
	GDB_END,	 /* end the session, no reply (k) */
};
enum gdb_action gdb_answer(struct dbg *d, const char *pkt, char *out);

/* The target description gdb-multiarch asks for (riscv:rv32, x0..x31, pc). */
extern const char gdb_target_xml[];

#endif
