/*
 * slirp.c -- `--net user`: libslirp, the user-mode TCP/IP stack QEMU uses,
 * on one port of the VM's switch.
 *
 * libslirp is a whole IP host in a library: the guest's Ethernet frames go
 * in (slirp_input), and slirp answers ARP and DHCP itself and turns the
 * guest's TCP and UDP into ordinary sockets of this process -- so the
 * guest reaches the host and the network without privileges, a tap device
 * or a bridge.  What slirp sends the guest comes back through our
 * send_packet callback.
 *
 *   guest virtio-net TX --netswitch--> slirp_input --> host sockets
 *   host sockets --(our thread: poll, slirp_pollfds_poll)--> send_packet
 *        --netswitch--> virtio-net RX ring --> GSI --> guest
 *
 * slirp is not thread-safe, and neither are the devices: every call into
 * it, from a vCPU thread (a transmit inside a QueueNotify exit) or from
 * our poll thread, is made holding vm->bus_lock.  The lock is dropped only
 * while poll() waits.
 */
#define _GNU_SOURCE /* pipe2 */
#include "x86-vtx/vtx.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VTX_SLIRP_FDS  256
#define VTX_SLIRP_WAIT 100 /* ms: the longest poll, to notice a stop */

static int64_t vtx_slirp_clock_ns(void *opaque)
{
	(void)opaque;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* slirp has a frame for the guest: into the switch from slirp's port. */
static ssize_t vtx_slirp_send(const void *buf, size_t len, void *opaque)
{
	struct vtx_vm *vm = opaque;
	vm->net.slirp_frames_out++;
	netswitch_send(&vm->net.sw, vm->net.slirp_port, buf, len);
	return (ssize_t)len;
}

/* The switch has a frame for slirp (from the guest). */
static void vtx_slirp_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct vtx_vm *vm = ctx;
	vm->net.slirp_frames_in++;
	slirp_input(vm->net.slirp, frame, (int)len);
}

static void vtx_slirp_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "x86: slirp: the guest sent something wrong: %s\n", msg);
}

/* Timers (slirp uses one, for IPv6 router advertisements). */
static void *vtx_slirp_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct vtx_net *n = &((struct vtx_vm *)opaque)->net;
	for (size_t i = 0; i < sizeof(n->timers) / sizeof(n->timers[0]); i++)
		if (!n->timers[i].used) {
			n->timers[i] = (struct vtx_slirp_timer){ cb, cb_opaque, -1, 1 };
			return &n->timers[i];
		}
	return NULL;
}

static void vtx_slirp_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	if (timer)
		((struct vtx_slirp_timer *)timer)->used = 0;
}

static void vtx_slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	(void)opaque;
	if (timer)
		((struct vtx_slirp_timer *)timer)->expire_ms = expire_ms;
}

static void vtx_slirp_no_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

/* slirp can take more data for a socket: wake the poll thread. */
static void vtx_slirp_notify(void *opaque)
{
	struct vtx_vm *vm = opaque;
	char b = 1;
	ssize_t rc = write(vm->net.wake[1], &b, 1);
	(void)rc; /* a full pipe already wakes it */
}

static const SlirpCb vtx_slirp_cb = {
	.send_packet = vtx_slirp_send,
	.guest_error = vtx_slirp_guest_error,
	.clock_get_ns = vtx_slirp_clock_ns,
	.timer_new = vtx_slirp_timer_new,
	.timer_free = vtx_slirp_timer_free,
	.timer_mod = vtx_slirp_timer_mod,
	.register_poll_fd = vtx_slirp_no_fd,
	.unregister_poll_fd = vtx_slirp_no_fd,
	.notify = vtx_slirp_notify,
};

/* The poll set slirp fills each round. */
struct vtx_slirp_poll {
	struct pollfd fds[VTX_SLIRP_FDS];
	int n;
};

static int vtx_slirp_add_poll(int fd, int events, void *opaque)
{
	struct vtx_slirp_poll *p = opaque;
	if (p->n == VTX_SLIRP_FDS)
		return -1;
	short ev = 0;
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	p->fds[p->n] = (struct pollfd){ .fd = fd, .events = ev };
	return p->n++;
}

static int vtx_slirp_get_revents(int idx, void *opaque)
{
	struct vtx_slirp_poll *p = opaque;
	if (idx < 0 || idx >= p->n)
		return 0;
	short r = p->fds[idx].revents;
	return (r & POLLIN ? SLIRP_POLL_IN : 0) | (r & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (r & POLLPRI ? SLIRP_POLL_PRI : 0) | (r & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (r & POLLHUP ? SLIRP_POLL_HUP : 0);
}

static void *vtx_slirp_loop(void *arg)
{
	struct vtx_vm *vm = arg;
	struct vtx_net *n = &vm->net;
	static struct vtx_slirp_poll p;
	while (atomic_load(&vm->stop) == VTX_RUNNING) {
		uint32_t timeout = VTX_SLIRP_WAIT;
		p.n = 0;
		vtx_slirp_add_poll(n->wake[0], SLIRP_POLL_IN, &p); /* index 0 */
		pthread_mutex_lock(&vm->bus_lock);
		slirp_pollfds_fill(n->slirp, &timeout, vtx_slirp_add_poll, &p);
		pthread_mutex_unlock(&vm->bus_lock);
		int rc = poll(p.fds, (nfds_t)p.n,
			      timeout < VTX_SLIRP_WAIT ? (int)timeout : VTX_SLIRP_WAIT);
		if (p.fds[0].revents & POLLIN) {
			char drain[64];
			while (read(n->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		pthread_mutex_lock(&vm->bus_lock);
		slirp_pollfds_poll(n->slirp, rc < 0, vtx_slirp_get_revents, &p);
		int64_t now_ms = vtx_slirp_clock_ns(NULL) / 1000000;
		for (size_t i = 0; i < sizeof(n->timers) / sizeof(n->timers[0]); i++) {
			struct vtx_slirp_timer *t = &n->timers[i];
			if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
				t->expire_ms = -1;
				t->cb(t->cb_opaque);
			}
		}
		pthread_mutex_unlock(&vm->bus_lock);
	}
	return NULL;
}

int vtx_slirp_start(struct vtx_vm *vm)
{
	struct vtx_net *n = &vm->net;
	SlirpConfig cfg = { .version = 1, .in_enabled = true };
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	cfg.vhostname = "trapvisor";

	if (pipe2(n->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "x86: --net user: pipe: %s\n", strerror(errno));
		return -1;
	}
	n->slirp = slirp_new(&cfg, &vtx_slirp_cb, vm);
	if (!n->slirp) {
		fprintf(stderr, "x86: --net user: slirp_new failed\n");
		return -1;
	}
	n->slirp_port = netswitch_add_port(&n->sw, "slirp", vtx_slirp_deliver, vm);
	if (n->slirp_port < 0)
		return -1;
	for (int i = 0; i < n->spec.nfwd; i++) {
		const struct vtx_hostfwd *f = &n->spec.fwd[i];
		struct in_addr host = { .s_addr = f->host_addr }, guest = { 0 };
		if (slirp_add_hostfwd(n->slirp, f->udp, host, f->host_port, guest, f->guest_port) <
		    0) {
			char a[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &host, a, sizeof(a));
			fprintf(stderr, "x86: --net user,hostfwd: cannot listen on %s:%u: %s\n", a,
				f->host_port, strerror(errno));
			return -1;
		}
	}
	if (pthread_create(&n->thread, NULL, vtx_slirp_loop, vm) != 0) {
		fprintf(stderr, "x86: --net user: cannot start its thread\n");
		return -1;
	}
	n->thread_started = 1;
	return 0;
}

void vtx_slirp_stop(struct vtx_vm *vm)
{
	struct vtx_net *n = &vm->net;
	if (n->thread_started) {
		vtx_vm_stop(vm, VTX_STOP_ERROR, "--net user: stopped"); /* no-op if stopped */
		pthread_join(n->thread, NULL);
		n->thread_started = 0;
	}
	if (n->slirp)
		slirp_cleanup(n->slirp);
	n->slirp = NULL;
	if (n->wake[0] > 0) {
		close(n->wake[0]);
		close(n->wake[1]);
	}
	n->wake[0] = n->wake[1] = 0;
}
