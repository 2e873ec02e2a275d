/*
 * net_test.c -- two VMs on trapvisor's switch (--net switch), in every
 * mode that runs several VMs (trap, bt, pv, vt nested and shadow):
 *   ping/MODE   vm0 pings vm1 three times; vm1's kernel answers in its
 *               interrupt handler while pingd waits for three requests
 *   udp/MODE    vm0 sends a 20000-byte file to vm1 over UDP (stop and
 *               wait, acknowledged datagrams); both print its checksum
 * Each VM's lines (the console prefixes them [vm0], [vm1]; a line goes
 * out whole) must be exactly expected/net_NAME_vmN.out, the same in
 * every mode; --stats must show both cards and the switch's ports.
 * The expected checksum is FNV-1a over bytes (i * 7 + i / 256) & 255,
 * i < 20000: 0x9d171565.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tests/kernel/krun.h"

#define NET_TIMEOUT   120
#define NET_PV_KERNEL KRUN_BUILD "/guests/kernel-pv.elf"

/* The lines of `out` that start with "[vmN] ", without the prefix. */
static char *net_lines_of(const char *out, int vm)
{
	char prefix[16];
	size_t plen = (size_t)snprintf(prefix, sizeof(prefix), "[vm%d] ", vm);
	char *res = calloc(1, strlen(out) + 1);
	char *w = res;
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (len >= plen && !strncmp(p, prefix, plen)) {
			memcpy(w, p + plen, len - plen);
			w += len - plen;
		}
		p += len;
	}
	return res;
}

static void net_pair(const char *mode, const char *paging, const char *name, const char *a0,
		     const char *a1)
{
	char mode_opt[32], paging_opt[32], path[4096];
	const char *kernel = strcmp(mode, "pv") ? KRUN_KERNEL : NET_PV_KERNEL;
	struct krun_result r;
	char *argv[20];
	int n = 0;

	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode);
	argv[n++] = KRUN_TRAPVISOR;
	argv[n++] = "run";
	argv[n++] = mode_opt;
	if (paging) {
		snprintf(paging_opt, sizeof(paging_opt), "--paging=%s", paging);
		argv[n++] = paging_opt;
	}
	const char *tail[] = { "--stats", "--net",  "switch",	"--append", a0,	    kernel,
			       "--net",	  "switch", "--append", a1,	    kernel, NULL };
	for (int i = 0; tail[i]; i++)
		argv[n++] = (char *)tail[i];
	argv[n] = NULL;
	cr_assert(krun(argv, NULL, 0, NET_TIMEOUT, &r) == 0, "cannot start %s", KRUN_TRAPVISOR);
	cr_assert(!r.timed_out, "%s %s: timed out:\n%s", mode, name, r.out);
	cr_assert_eq(r.status, 0, "%s %s: exit status %d:\n%s%s", mode, name, r.status, r.out,
		     r.err);
	for (int vm = 0; vm < 2; vm++) {
		snprintf(path, sizeof(path), "%s/net_%s_vm%d.out", KRUN_EXPECTED, name, vm);
		char *want = krun_read_file(path, NULL);
		cr_assert(want, "cannot read %s", path);
		char *got = net_lines_of(r.out, vm);
		cr_assert_str_eq(got, want, "%s %s, vm%d: transcript differs; whole output:\n%s",
				 mode, name, vm, r.out);
		free(got);
		free(want);
	}
	cr_assert(strstr(r.err, "net (virtio-net, slot 0, switch port 0)") &&
		      strstr(r.err, "net (virtio-net, slot 0, switch port 1)") &&
		      strstr(r.err, "port 0 (vm0): ") && strstr(r.err, "port 1 (vm1): "),
		  "%s: --stats lacks the cards or the switch:\n%s", mode, r.err);
	krun_free(&r);
}

#define NET_MODE(id, mode, paging)                                                           \
	Test(ping, id)                                                                       \
	{                                                                                    \
		net_pair(mode, paging, "ping", "run=ping:2:3", "run=pingd:3");               \
	}                                                                                    \
	Test(udp, id)                                                                        \
	{                                                                                    \
		net_pair(mode, paging, "udp", "run=udpsend:2:20000", "run=udprecv:1:20000"); \
	}
NET_MODE(trap, "trap", NULL)
NET_MODE(bt, "bt", NULL)
NET_MODE(pv, "pv", NULL)
NET_MODE(vt_nested, "vt", "nested")
NET_MODE(vt_shadow, "vt", "shadow")

/* Bad --net: one line, exit 2. */
Test(options, bad_net)
{
	struct krun_result r;
	char *argv[] = { KRUN_TRAPVISOR, "run", "--net", "bridge", KRUN_KERNEL, NULL };
	cr_assert(krun(argv, NULL, 0, NET_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--net bridge"), "%s", r.err);
	krun_free(&r);
}
