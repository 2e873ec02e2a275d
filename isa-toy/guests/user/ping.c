/*
 * ping -- ICMP echo to a neighbour on the switch.
 *   ping:HOST[:COUNT]     HOST is the last number of 10.0.0.HOST; COUNT 3
 * One line per reply; exit 0 when every echo came back.  (The kernel
 * resends each request every tick until the reply comes: the first ones
 * may go out before the neighbour's card is up.)
 */
#include "user/lib/ulib.h"

int main(int argc, char **argv)
{
	unsigned host = (unsigned)arg_int(argc, argv, 1, 2);
	int count = arg_int(argc, argv, 2, 3), ok = 0;
	unsigned me = netinfo();

	if (!me) {
		printf("ping: no network card\n");
		return 1;
	}
	printf("ping: 10.0.0.%u -> 10.0.0.%u\n", me & 0xff, host);
	for (int seq = 1; seq <= count; seq++) {
		if (ping(0x0a000000u | host, (unsigned)seq) == 0) {
			printf("ping: reply from 10.0.0.%u seq %d\n", host, seq);
			ok++;
		} else {
			printf("ping: no reply from 10.0.0.%u seq %d\n", host, seq);
		}
	}
	printf("ping: %d/%d replies\n", ok, count);
	return ok == count ? 0 : 1;
}
