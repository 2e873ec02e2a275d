/*
 * fuzz_gdb.c -- libFuzzer target for the GDB remote-protocol stub.
 *
 * The input is the byte stream a (possibly hostile) GDB sends.  It goes
 * byte by byte through the stub's receiver (gdb_rx_feed: framing,
 * checksums, '+'/'-', Ctrl-C), and every packet it returns is answered by
 * the stub's packet handler (gdb_answer) on a live debugger session over a
 * small guest (FUZZ_GDB_GUEST, default build/tests/guest/paging.elf):
 * register and memory reads and writes, breakpoints, qXfer, single steps.
 * Packets that resume the guest until it stops ('c', vCont with c) are
 * left out, since a guest that never stops would stall the fuzzer; 's'
 * runs one instruction and stays in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_dbg.h"
#include "viz/gdb.h"

static bool fuzz_gdb_resumes(const char *pkt)
{
	return pkt[0] == 'c' || pkt[0] == 'C' || !strncmp(pkt, "vCont;c", 7) ||
	       !strncmp(pkt, "vCont;C", 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gdb_rx rx;
	static char out[2 * GDB_PACKET + 16];
	struct dbg *d = NULL;
	gdb_rx_init(&rx);
	for (size_t i = 0; i < size; i++) {
		if (gdb_rx_feed(&rx, data[i]) != GDB_RX_PACKET)
			continue;
		/* The body fits and is NUL-terminated at its length. */
		if (rx.len >= sizeof(rx.body) || rx.body[rx.len] != 0)
			abort();
		uint32_t addr, len;
		gdb_parse_addr_len(rx.body + 1, &addr, &len);
		if (fuzz_gdb_resumes(rx.body))
			continue;
		if (!d)
			d = fuzz_dbg_open("FUZZ_GDB_GUEST");
		out[0] = 0;
		enum gdb_action act = gdb_answer(d, rx.body, out);
		if (strlen(out) >= sizeof(out))
			abort();
		if (act == GDB_REPLY_END || act == GDB_END)
			break; /* the session ends, as the stub would end it */
	}
	if (d)
		fuzz_dbg_close(d);
	return 0;
}
