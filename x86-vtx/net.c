/*
 * net.c -- the --net option of `trapvisor x86`.
 *
 *   --net switch     a virtio-net card on the monitor's switch
 *   --net user[,hostfwd=tcp:[ADDR]:HOSTPORT-:GUESTPORT]...
 *                    the card, with libslirp's user-mode NAT on another
 *                    port of the same switch: DHCP gives the guest
 *                    10.0.2.15, 10.0.2.2 is the host (its loopback too),
 *                    10.0.2.3 answers DNS; hostfwd listens on the host at
 *                    ADDR:HOSTPORT (ADDR defaults to 127.0.0.1) and
 *                    connects each caller to the guest's GUESTPORT
 *
 * The spellings are QEMU's.  Parsing is pure (no sockets, no /dev/kvm), so
 * a spec that does not parse is refused before anything is opened.
 */
#include "x86-vtx/vtx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A port number 1..65535 from [s, end); -1 if it is not one. */
static int vtx_net_port(const char *s, const char *end)
{
	long v = 0;
	if (s == end || end - s > 5)
		return -1;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

/* "tcp:[ADDR]:HOSTPORT-:GUESTPORT" (or udp:) into *f; -1 if malformed. */
static int vtx_net_hostfwd(const char *s, struct vtx_hostfwd *f)
{
	memset(f, 0, sizeof(*f));
	if (!strncmp(s, "tcp:", 4))
		s += 4;
	else if (!strncmp(s, "udp:", 4)) {
		f->udp = 1;
		s += 4;
	} else
		return -1;
	const char *colon = strchr(s, ':');
	const char *dash = colon ? strchr(colon, '-') : NULL;
	if (!colon || !dash || dash[1] != ':')
		return -1;
	char addr[INET_ADDRSTRLEN];
	size_t alen = (size_t)(colon - s);
	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = 0;
	struct in_addr a;
	if (inet_pton(AF_INET, alen ? addr : "127.0.0.1", &a) != 1)
		return -1;
	f->host_addr = a.s_addr;
	int hp = vtx_net_port(colon + 1, dash);
	int gp = vtx_net_port(dash + 2, dash + 2 + strlen(dash + 2));
	if (hp < 0 || gp < 0)
		return -1;
	f->host_port = (uint16_t)hp;
	f->guest_port = (uint16_t)gp;
	return 0;
}

int vtx_net_parse(const char *arg, struct vtx_net_spec *spec)
{
	if (!strcmp(arg, "switch")) {
		spec->wanted = 1;
		return 0;
	}
	if (strncmp(arg, "user", 4) || (arg[4] && arg[4] != ',')) {
		fprintf(stderr,
			"x86: --net %s: give 'switch' or "
			"'user[,hostfwd=tcp:ADDR:HOSTPORT-:GUESTPORT]'\n",
			arg);
		return -1;
	}
	spec->wanted = spec->user = 1;
	for (const char *opt = arg[4] ? arg + 5 : NULL; opt;) {
		const char *next = strchr(opt, ',');
		size_t len = next ? (size_t)(next - opt) : strlen(opt);
		char buf[128];
		if (len >= sizeof(buf) || strncmp(opt, "hostfwd=", 8)) {
			fprintf(stderr, "x86: --net %s: unknown option '%.*s' (hostfwd=...)\n", arg,
				(int)(len < 64 ? len : 64), opt);
			return -1;
		}
		memcpy(buf, opt + 8, len - 8);
		buf[len - 8] = 0;
		if (spec->nfwd == VTX_NET_MAX_FWD) {
			fprintf(stderr, "x86: --net %s: at most %d hostfwd\n", arg,
				VTX_NET_MAX_FWD);
			return -1;
		}
		if (vtx_net_hostfwd(buf, &spec->fwd[spec->nfwd]) < 0) {
			fprintf(stderr,
				"x86: --net %s: give hostfwd=tcp:[ADDR]:HOSTPORT-:GUESTPORT "
				"(ports 1-65535)\n",
				arg);
			return -1;
		}
		spec->nfwd++;
		opt = next ? next + 1 : NULL;
	}
	return 0;
}
