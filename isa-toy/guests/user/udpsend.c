/*
 * udpsend -- send a file of BYTES bytes (a pattern) to udprecv on a
 * neighbour, over UDP, stop-and-wait: each datagram is a 4-byte sequence
 * number and up to 1024 bytes of the file; the receiver acknowledges
 * each sequence number, and a datagram without an acknowledgement within
 * 10 ticks is sent again.  Sequence 0xffffffff ends the transfer.
 *   udpsend:HOST:BYTES        data to port 7000, acks on port 7001
 * Prints the FNV-1a checksum of what it sent.
 */
#include "user/lib/ulib.h"

#define CHUNK 1024
#define FIN   0xffffffffu

static unsigned char pkt[4 + CHUNK];

static unsigned byte_at(unsigned i)
{
	return (i * 7 + (i >> 8)) & 0xff;
}

static void put_seq(unsigned char *p, unsigned seq)
{
	p[0] = (unsigned char)(seq >> 24);
	p[1] = (unsigned char)(seq >> 16);
	p[2] = (unsigned char)(seq >> 8);
	p[3] = (unsigned char)seq;
}

/* Send pkt (n bytes) until its acknowledgement comes; 0, or -1. */
static int send_acked(unsigned ip, unsigned seq, int n)
{
	unsigned char ack[4];
	for (int tries = 0; tries < 500; tries++) {
		udpsend(ip, 7000, 7001, pkt, n); /* -1 (ARP asked): the next try */
		int got = udprecv(7001, ack, 4, 10);
		if (got == 4 &&
		    (unsigned)(ack[0] << 24 | ack[1] << 16 | ack[2] << 8 | ack[3]) == seq)
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	unsigned host = (unsigned)arg_int(argc, argv, 1, 2);
	unsigned bytes = (unsigned)arg_int(argc, argv, 2, 8192);
	unsigned ip = 0x0a000000u | host, sum = 2166136261u, seq = 0;

	if (!netinfo()) {
		printf("udpsend: no network card\n");
		return 1;
	}
	for (unsigned off = 0; off < bytes; off += CHUNK, seq++) {
		int n = bytes - off < CHUNK ? (int)(bytes - off) : CHUNK;
		put_seq(pkt, seq);
		for (int i = 0; i < n; i++) {
			pkt[4 + i] = (unsigned char)byte_at(off + (unsigned)i);
			sum = (sum ^ pkt[4 + i]) * 16777619u;
		}
		if (send_acked(ip, seq, 4 + n)) {
			printf("udpsend: no acknowledgement for datagram %u\n", seq);
			return 1;
		}
	}
	put_seq(pkt, FIN);
	if (send_acked(ip, FIN, 4)) {
		printf("udpsend: the end was not acknowledged\n");
		return 1;
	}
	printf("udpsend: sent %u bytes in %u datagrams to 10.0.0.%u, checksum 0x%x\n", bytes, seq,
	       host, sum);
	return 0;
}
