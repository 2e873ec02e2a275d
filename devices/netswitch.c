/*
 * netswitch.c -- the learning bridge (see netswitch.h).
 */
#include "devices/netswitch.h"

#include <stdio.h>
#include <string.h>

void netswitch_init(struct netswitch *sw)
{
	memset(sw, 0, sizeof(*sw));
}

int netswitch_add_port(struct netswitch *sw, const char *name,
		       void (*deliver)(void *ctx, const uint8_t *frame, size_t len), void *ctx)
{
	if (sw->nports == NETSWITCH_PORTS) {
		fprintf(stderr, "trapvisor: the switch has %d ports\n", NETSWITCH_PORTS);
		return -1;
	}
	sw->port[sw->nports] = (struct netswitch_port){ deliver, ctx, name, 0, 0 };
	return sw->nports++;
}

int netswitch_lookup(const struct netswitch *sw, const uint8_t mac[6])
{
	for (int i = 0; i < sw->nmacs; i++)
		if (!memcmp(sw->table[i].mac, mac, 6))
			return sw->table[i].port;
	return -1;
}

/* Remember that `mac` lives behind `port` (it may have moved). */
static void netswitch_learn(struct netswitch *sw, const uint8_t mac[6], int port)
{
	if (mac[0] & 1)
		return; /* a group address is never a source */
	for (int i = 0; i < sw->nmacs; i++)
		if (!memcmp(sw->table[i].mac, mac, 6)) {
			sw->table[i].port = port;
			return;
		}
	int at = sw->nmacs < NETSWITCH_MACS ? sw->nmacs++ : sw->next_victim++ % NETSWITCH_MACS;
	memcpy(sw->table[at].mac, mac, 6);
	sw->table[at].port = port;
}

static void netswitch_out(struct netswitch *sw, int port, const uint8_t *frame, size_t len)
{
	sw->port[port].frames_out++;
	sw->port[port].deliver(sw->port[port].ctx, frame, len);
}

void netswitch_send(struct netswitch *sw, int port, const uint8_t *frame, size_t len)
{
	if (port < 0 || port >= sw->nports)
		return;
	sw->port[port].frames_in++;
	if (len < NET_ETH_HDR) {
		sw->runts++;
		return;
	}
	const uint8_t *dst = frame, *src = frame + 6;
	netswitch_learn(sw, src, port);
	int to = dst[0] & 1 ? -1 : netswitch_lookup(sw, dst);
	if (to == port) {
		sw->filtered++; /* both ends on the same port: not ours to forward */
		return;
	}
	if (to >= 0) {
		netswitch_out(sw, to, frame, len);
		return;
	}
	sw->flooded++;
	for (int p = 0; p < sw->nports; p++)
		if (p != port)
			netswitch_out(sw, p, frame, len);
}
