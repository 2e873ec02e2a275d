/*
 * udprecv -- receive the file udpsend sends (see udpsend.c): keep each
 * datagram whose sequence number is the next one, acknowledge every one
 * (a repeat means our acknowledgement was lost), stop at 0xffffffff.
 *   udprecv:HOST:BYTES     from 10.0.0.HOST; BYTES expected
 * Prints the FNV-1a checksum of what arrived; exit 0 if it is BYTES
 * bytes of the sender's pattern.
 */
#include "user/lib/ulib.h"

#define CHUNK 1024
#define FIN   0xffffffffu

static unsigned char pkt[4 + CHUNK];

static unsigned byte_at(unsigned i)
{
	return (i * 7 + (i >> 8)) & 0xff;
}

int main(int argc, char **argv)
{
	unsigned host = (unsigned)arg_int(argc, argv, 1, 1);
	unsigned bytes = (unsigned)arg_int(argc, argv, 2, 8192);
	unsigned ip = 0x0a000000u | host, sum = 2166136261u, next = 0, got = 0, bad = 0;

	if (!netinfo()) {
		printf("udprecv: no network card\n");
		return 1;
	}
	printf("udprecv: 10.0.0.%u waits on port 7000\n", netinfo() & 0xff);
	for (;;) {
		int n = udprecv(7000, pkt, sizeof(pkt), 1000);
		if (n == -2) {
			printf("udprecv: nothing for 10 s\n");
			return 1;
		}
		if (n < 4)
			continue;
		unsigned seq = (unsigned)(pkt[0] << 24 | pkt[1] << 16 | pkt[2] << 8 | pkt[3]);
		if (seq == next) {
			for (int i = 4; i < n; i++, got++) {
				if (pkt[i] != byte_at(got))
					bad++;
				sum = (sum ^ pkt[i]) * 16777619u;
			}
			next++;
		}
		/* Acknowledge, resending until the card takes it. */
		for (int t = 0; t < 100 && udpsend(ip, 7001, 7000, pkt, 4) < 0; t++)
			sleep(10);
		if (seq == FIN)
			break;
	}
	printf("udprecv: got %u bytes from 10.0.0.%u, checksum 0x%x\n", got, host, sum);
	return got == bytes && !bad ? 0 : 1;
}
