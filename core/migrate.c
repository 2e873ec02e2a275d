/*
 * migrate.c -- live migration, pre-copy (migrate.h, docs/state.md).
 *
 * The wire: messages of a type word, a length word and that many bytes,
 * little-endian, source to destination:
 *   HELLO   the number of VMs and each one's RAM size
 *   PAGES   (vm, page, length, bytes) for the pages of one round
 *   FINAL   a snapshot whose memory sections hold only the pages changed
 *           since they were last sent (core/state.c)
 * and one byte back: 'K' (built, running) or 'E' (refused).
 *
 * Which pages changed: after the first round (all pages that are not
 * zero), the shadow tables' dirty log -- write protection, spt_dirty_log_*
 * in shadowpt/shadow.c: every shadow entry loses W at each harvest, and a
 * write's fault logs its page.  Under vt's nested paging the guest's
 * writes bypass the shadow tables, and the source compares a hash of each
 * page with the one it had when sent (the dirty bits of the second stage
 * would be the hardware's way; not done).
 */
#include "core/migrate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/run.h"
#include "isa-toy/board.h"

enum { MIG_HELLO = 1, MIG_PAGES, MIG_FINAL };
#define MIG_MSG_MAX (1u << 30)

int migrate_parse_addr(const char *s, struct sockaddr_in *a, const char *opt)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	uint64_t port;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	if (!colon || (size_t)(colon - s) >= sizeof(host) || run_parse_u64(colon + 1, &port) ||
	    port > 65535)
		goto bad;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1 || (ntohl(a->sin_addr.s_addr) >> 24) != 127)
		goto bad;
	a->sin_port = htons((uint16_t)port);
	return 0;
bad:
	fprintf(stderr, "trapvisor run: %s %s: need 127.x.x.x:PORT (loopback only)\n", opt, s);
	return -1;
}

static double mig_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Send (or receive, waiting at most `ms` for each piece) all of `len`
 * bytes: 0, or -1 (the peer is gone, or silent). */
static int mig_io(int fd, void *p, size_t len, bool out, int ms)
{
	uint8_t *b = p;
	while (len) {
		struct pollfd pfd = { fd, out ? POLLOUT : POLLIN, 0 };
		int r = poll(&pfd, 1, ms);
		ssize_t n = r <= 0 ? r : out ? send(fd, b, len, MSG_NOSIGNAL) : recv(fd, b, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int mig_send_all(int fd, const void *p, size_t len)
{
	return mig_io(fd, (void *)p, len, true, 30000);
}

static int mig_recv_all(int fd, void *p, size_t len, int ms)
{
	return mig_io(fd, p, len, false, ms);
}

static int mig_send_msg(int fd, uint32_t type, const struct sbuf *body)
{
	struct sbuf h = { 0 };
	sbuf_put_u32(&h, type);
	sbuf_put_u32(&h, (uint32_t)body->len);
	int rc =
	    h.bad || mig_send_all(fd, h.data, h.len) || mig_send_all(fd, body->data, body->len);
	sbuf_free(&h);
	return rc ? -1 : 0;
}

/* FNV-1a of a page: which pages changed since they were sent. */
static uint64_t mig_hash(const uint8_t *p)
{
	return sbuf_fnv1a(SBUF_FNV_BASIS, p, SPT_PAGE);
}

struct mig_src {
	struct monitor *mon;
	int fd;
	bool wp[MON_MAX_VMS];	     /* dirty logging by write protection */
	uint64_t logged;	     /* pages it reported, in all */
	uint64_t *sent[MON_MAX_VMS]; /* hash of each page as last sent */
	uint8_t *dirty[MON_MAX_VMS]; /* changed since: 1 */
	uint64_t bytes;		     /* sent in all */
};

static uint8_t *mig_page(struct vm *vm, uint32_t pg)
{
	return spt_p2r_ptr(&vm->p2r, &vm->mon->frames, BOARD_RAM_BASE + (uint64_t)pg * SPT_PAGE,
			   SPT_PAGE);
}

/* Mark the pages that changed since last sent; how many are marked.
 * The first round, and VMs without shadow tables for the guest's memory
 * (vt's nested paging), compare hashes; after that the shadow tables'
 * dirty log says which pages were written (pages a round left for later
 * stay marked). */
static uint64_t mig_harvest(struct mig_src *s, bool first)
{
	uint64_t n = 0;
	for (int i = 0; i < s->mon->nvm; i++) {
		struct vm *vm = s->mon->vm[i];
		uint32_t np = vm->ram_size / SPT_PAGE;
		if (s->wp[i] && !first)
			s->logged += spt_dirty_log_harvest(&vm->spt, s->dirty[i]);
		for (uint32_t pg = 0; pg < np; pg++) {
			if (!s->wp[i] || first)
				s->dirty[i][pg] = mig_hash(mig_page(vm, pg)) != s->sent[i][pg];
			n += s->dirty[i][pg];
		}
	}
	return n;
}

/* One round: the dirty pages, up to MIGRATE_ROUND_BYTES.  The pages sent
 * (or -1 if the peer is gone). */
static int64_t mig_round(struct mig_src *s)
{
	struct sbuf b = { 0 };
	int64_t n = 0;
	for (int i = 0; i < s->mon->nvm && b.len < MIGRATE_ROUND_BYTES; i++) {
		struct vm *vm = s->mon->vm[i];
		for (uint32_t pg = 0; pg < vm->ram_size / SPT_PAGE && b.len < MIGRATE_ROUND_BYTES;
		     pg++) {
			if (!s->dirty[i][pg])
				continue;
			const uint8_t *p = mig_page(vm, pg);
			uint32_t used = SPT_PAGE;
			while (used && !p[used - 1])
				used--;
			sbuf_put_u32(&b, (uint32_t)i);
			sbuf_put_u32(&b, pg);
			sbuf_put_u32(&b, used);
			sbuf_put(&b, p, used);
			s->sent[i][pg] = mig_hash(p);
			s->dirty[i][pg] = 0;
			n++;
		}
	}
	int rc = b.bad ? -1 : mig_send_msg(s->fd, MIG_PAGES, &b);
	s->bytes += b.len + 8;
	sbuf_free(&b);
	return rc ? -1 : n;
}

static int mig_connect(const struct sockaddr_in *to)
{
	/* The destination may still be starting: try for 3 s. */
	for (int tries = 0; tries < 60; tries++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, (const struct sockaddr *)to, sizeof(*to)))
			return fd;
		close(fd);
		usleep(50000);
	}
	return -1;
}

int migrate_send(struct monitor *mon, const struct state_run *run, const struct sockaddr_in *to,
		 int *end)
{
	struct mig_src s = { .mon = mon, .fd = -1 };
	uint64_t per_round[MIGRATE_MAX_ROUNDS];
	int rounds = 0, rc = 1;
	const char *why = NULL;
	uint8_t zero[SPT_PAGE] = { 0 };
	uint64_t zero_hash = mig_hash(zero);
	for (int i = 0; i < mon->nvm; i++) {
		uint32_t np = mon->vm[i]->ram_size / SPT_PAGE;
		s.sent[i] = malloc(np * sizeof(uint64_t));
		s.dirty[i] = calloc(np, 1);
		if (!s.sent[i] || !s.dirty[i]) {
			why = "out of memory";
			goto out;
		}
		for (uint32_t pg = 0; pg < np; pg++)
			s.sent[i][pg] = zero_hash; /* the destination's RAM starts zero */
	}
	s.fd = mig_connect(to);
	if (s.fd < 0) {
		why = "cannot connect";
		goto out;
	}
	struct sbuf hello = { 0 };
	sbuf_put_u32(&hello, (uint32_t)mon->nvm);
	for (int i = 0; i < mon->nvm; i++)
		sbuf_put_u32(&hello, mon->vm[i]->ram_size);
	int bad = mig_send_msg(s.fd, MIG_HELLO, &hello);
	sbuf_free(&hello);
	if (bad) {
		why = "the destination went away";
		goto out;
	}
	/* Dirty logging starts before the first look at memory: a write
	 * after it is either seen by that look or logged. */
	for (int i = 0; i < mon->nvm; i++) {
		struct vm *vm = mon->vm[i];
		s.wp[i] = !(vm->vt && mon->paging == MON_PAGING_NESTED);
		if (s.wp[i] && spt_dirty_log_start(&vm->spt)) {
			why = "out of memory";
			goto out;
		}
	}
	/* Pre-copy: a round, then a stretch of guest, while it pays. */
	for (;;) {
		uint64_t dirty = mig_harvest(&s, rounds == 0);
		if ((rounds && dirty <= MIGRATE_STOP_PAGES) || rounds == MIGRATE_MAX_ROUNDS)
			break;
		int64_t n = mig_round(&s);
		if (n < 0) {
			why = "the destination went away";
			goto out;
		}
		per_round[rounds++] = (uint64_t)n;
		uint64_t total = 0;
		for (int i = 0; i < mon->nvm; i++)
			total += monitor_vm_progress(mon->vm[i]);
		mon->stop_at = total + MIGRATE_ROUND_INSNS;
		*end = monitor_run(mon, run->max_insns);
		mon->stop_at = 0;
		if (*end != 4) {
			rc = 2;
			why = "the guest ended first";
			goto out;
		}
	}
	/* Stop and copy: the VMs stand still from here. */
	fflush(stdout);
	double t0 = mig_ms();
	uint64_t last = mig_harvest(&s, rounds == 0);
	struct sbuf fin = { 0 };
	state_save_mem_pages(mon, run, &fin, s.dirty);
	bad = fin.bad || mig_send_msg(s.fd, MIG_FINAL, &fin);
	s.bytes += fin.len + 8;
	sbuf_free(&fin);
	char ack = 0;
	if (bad || mig_recv_all(s.fd, &ack, 1, 30000) || ack != 'K') {
		why = bad ? "the destination went away" : "the destination refused the state";
		goto out;
	}
	double ms = mig_ms() - t0;
	fprintf(stderr, "trapvisor: migrated: %d rounds (pages:", rounds);
	for (int r = 0; r < rounds; r++)
		fprintf(stderr, " %llu", (unsigned long long)per_round[r]);
	fprintf(stderr,
		"), stop-and-copy %llu pages, %llu bytes in all; downtime %.1f ms of host time, "
		"0 guest instructions%s; dirty pages by %s\n",
		(unsigned long long)last, (unsigned long long)s.bytes, ms,
		rounds == MIGRATE_MAX_ROUNDS ? " (did not converge: rounds bound reached)" : "",
		s.wp[0] ? "write protection" : "page hashes");
	rc = 0;
out:
	if (rc == 1)
		fprintf(stderr,
			"trapvisor: migration failed after %d rounds: %s; the VM goes on here\n",
			rounds, why);
	else if (rc == 2)
		fprintf(stderr, "trapvisor: migration abandoned after %d rounds: %s\n", rounds,
			why);
	if (s.fd >= 0)
		close(s.fd);
	for (int i = 0; i < mon->nvm; i++) {
		spt_dirty_log_stop(&mon->vm[i]->spt);
		free(s.sent[i]);
		free(s.dirty[i]);
	}
	return rc;
}

/* --- the destination --- */

struct mig_dst {
	int nvm;
	uint32_t ram[MON_MAX_VMS];
	uint8_t *img[MON_MAX_VMS];
};

static int mig_hello(struct mig_dst *d, struct sbuf *b)
{
	uint32_t n = sbuf_get_u32(b);
	if (b->bad || !n || n > MON_MAX_VMS)
		return -1;
	d->nvm = (int)n;
	for (uint32_t i = 0; i < n; i++) {
		d->ram[i] = sbuf_get_u32(b);
		if (d->ram[i] < (1u << 20) || d->ram[i] > BOARD_RAM_MAX ||
		    (d->ram[i] & (SPT_PAGE - 1)))
			return -1;
		d->img[i] = calloc(1, d->ram[i]);
		if (!d->img[i])
			return -1;
	}
	return b->bad || b->pos != b->len ? -1 : 0;
}

static int mig_pages(struct mig_dst *d, struct sbuf *b)
{
	while (!b->bad && b->pos < b->len) {
		uint32_t vm = sbuf_get_u32(b), pg = sbuf_get_u32(b), used = sbuf_get_u32(b);
		if (b->bad || vm >= (uint32_t)d->nvm || pg >= d->ram[vm] / SPT_PAGE ||
		    used > SPT_PAGE)
			return -1;
		uint8_t *p = d->img[vm] + (size_t)pg * SPT_PAGE;
		memset(p, 0, SPT_PAGE);
		sbuf_get(b, p, used);
	}
	return b->bad ? -1 : 0;
}

int migrate_receive(const struct sockaddr_in *at, int input_fd, struct state_loaded *l)
{
	struct mig_dst d = { 0 };
	struct sockaddr_in a = *at;
	socklen_t alen = sizeof(a);
	int rc = -1, fd = -1, ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	const char *why = "cannot listen";
	*l = (struct state_loaded){ 0 };
	if (ls < 0)
		goto out;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &alen))
		goto out;
	fprintf(stderr, "trapvisor: waiting for a migration on 127.0.0.1:%u\n", ntohs(a.sin_port));
	struct pollfd pfd = { ls, POLLIN, 0 };
	why = "no source came within 60 s";
	if (poll(&pfd, 1, 60000) <= 0 || (fd = accept(ls, NULL, NULL)) < 0)
		goto out;
	for (bool hello = false;;) {
		uint8_t h[8];
		why = "the source went away before the final state";
		if (mig_recv_all(fd, h, 8, 30000))
			goto out;
		struct sbuf hb = sbuf_reader(h, 8);
		uint32_t type = sbuf_get_u32(&hb), len = sbuf_get_u32(&hb);
		why = "not a migration stream";
		if (len > MIG_MSG_MAX || (type == MIG_HELLO) == hello ||
		    (type != MIG_HELLO && type != MIG_PAGES && type != MIG_FINAL))
			goto out;
		uint8_t *body = malloc(len ? len : 1);
		why = "the source went away before the final state";
		if (!body || mig_recv_all(fd, body, len, 30000)) {
			free(body);
			goto out;
		}
		struct sbuf b = sbuf_reader(body, len);
		int bad = 0;
		char err[160] = "";
		if (type == MIG_HELLO) {
			hello = true;
			bad = mig_hello(&d, &b);
		} else if (type == MIG_PAGES) {
			bad = mig_pages(&d, &b);
		} else {
			bad =
			    state_load_mem_base(body, len, input_fd, (const uint8_t *const *)d.img,
						d.ram, d.nvm, l, err, sizeof(err));
		}
		free(body);
		if (bad) {
			(void)!send(fd, "E", 1, MSG_NOSIGNAL);
			fprintf(stderr, "trapvisor run --incoming: a bad %s message%s%s\n",
				type == MIG_HELLO   ? "hello"
				: type == MIG_PAGES ? "pages"
						    : "final state",
				*err ? ": " : "", err);
			why = NULL;
			goto out;
		}
		if (type == MIG_FINAL)
			break;
	}
	why = "could not answer the source";
	if (mig_send_all(fd, "K", 1)) {
		state_loaded_free(l);
		goto out;
	}
	rc = 0;
out:
	if (rc && why)
		fprintf(stderr, "trapvisor run --incoming: %s\n", why);
	if (fd >= 0)
		close(fd);
	if (ls >= 0)
		close(ls);
	for (int i = 0; i < d.nvm; i++)
		free(d.img[i]);
	return rc;
}
