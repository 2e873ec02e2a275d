/*
 * replay.c -- recording and replaying the console's input (replay.h).
 */
#include "isa-toy/replay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_MAGIC "trapvisor console record 1"

struct replay_event {
	uint64_t look;
	bool eof;
	size_t len;
	uint8_t *data;
};

static struct {
	FILE *rec; /* recording into */
	const char *path;
	struct replay_event *ev; /* replaying from */
	size_t nev, next;
	bool replaying;
	uint64_t looks;
} rr;

int replay_record_open(const char *path)
{
	rr.rec = fopen(path, "w");
	if (!rr.rec || fprintf(rr.rec, "%s\n", REPLAY_MAGIC) < 0 || fflush(rr.rec)) {
		fprintf(stderr, "trapvisor: --record %s: cannot write: %s\n", path,
			strerror(errno));
		if (rr.rec)
			fclose(rr.rec);
		rr.rec = NULL;
		return -1;
	}
	rr.path = path;
	return 0;
}

bool replay_recording(void)
{
	return rr.rec != NULL;
}

bool replay_replaying(void)
{
	return rr.replaying;
}

uint64_t replay_look(void)
{
	return rr.looks++;
}

void replay_note_input(uint64_t look, const uint8_t *buf, size_t n)
{
	if (!rr.rec || !n)
		return;
	fprintf(rr.rec, "in %" PRIu64 " ", look);
	for (size_t i = 0; i < n; i++)
		fprintf(rr.rec, "%02x", buf[i]);
	fputc('\n', rr.rec);
	fflush(rr.rec); /* a killed run keeps its log up to here */
}

void replay_note_eof(uint64_t look)
{
	if (!rr.rec)
		return;
	fprintf(rr.rec, "eof %" PRIu64 "\n", look);
	fflush(rr.rec);
}

static int replay_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One line of the log into *e: 0, or -1 with why. */
static int replay_parse_line(char *line, struct replay_event *e, const char **why)
{
	char *end;
	bool in = !strncmp(line, "in ", 3);
	if (!in && strncmp(line, "eof ", 4)) {
		*why = "not an 'in' or 'eof' event";
		return -1;
	}
	char *num = line + (in ? 3 : 4);
	errno = 0;
	if (*num < '0' || *num > '9') {
		*why = "the look number is missing";
		return -1;
	}
	e->look = strtoull(num, &end, 10);
	if (errno) {
		*why = "the look number is too large";
		return -1;
	}
	e->eof = !in;
	if (!in) {
		if (*end) {
			*why = "junk after the eof event";
			return -1;
		}
		return 0;
	}
	if (*end != ' ') {
		*why = "no bytes after the look number";
		return -1;
	}
	const char *hex = end + 1;
	size_t n = strlen(hex);
	if (!n || n % 2 || n / 2 > REPLAY_MAX_CHUNK) {
		*why = "the bytes are not 1 to 4096 pairs of hex digits";
		return -1;
	}
	e->len = n / 2;
	e->data = malloc(e->len);
	if (!e->data) {
		*why = "out of memory";
		return -1;
	}
	for (size_t i = 0; i < e->len; i++) {
		int h = replay_hex(hex[2 * i]), l = replay_hex(hex[2 * i + 1]);
		if (h < 0 || l < 0) {
			free(e->data);
			*why = "the bytes are not lower-case hex digits";
			return -1;
		}
		e->data[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

int replay_replay_open(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, cap_ev = 0;
	unsigned lineno = 0;
	const char *why = NULL;
	if (!f) {
		fprintf(stderr, "trapvisor: --replay %s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = 0;
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, REPLAY_MAGIC)) {
				why =
				    "not a console record (first line is not \"" REPLAY_MAGIC "\")";
				break;
			}
			continue;
		}
		if (rr.nev == cap_ev) {
			cap_ev = cap_ev ? 2 * cap_ev : 64;
			struct replay_event *ev = realloc(rr.ev, cap_ev * sizeof(*ev));
			if (!ev) {
				why = "out of memory";
				break;
			}
			rr.ev = ev;
		}
		struct replay_event *e = &rr.ev[rr.nev];
		*e = (struct replay_event){ 0 };
		if (replay_parse_line(line, e, &why))
			break;
		rr.nev++;
		if (rr.nev > 1 && (e->look < rr.ev[rr.nev - 2].look || rr.ev[rr.nev - 2].eof)) {
			why = rr.ev[rr.nev - 2].eof ? "an event after eof"
						    : "the looks are not in order";
			break;
		}
	}
	if (!why && !lineno)
		why = "empty file, not a console record";
	free(line);
	fclose(f);
	if (why) {
		fprintf(stderr, "trapvisor: --replay %s:%u: %s\n", path, lineno, why);
		replay_close();
		return -1;
	}
	rr.path = path;
	rr.replaying = true;
	return 0;
}

size_t replay_take(uint64_t look, uint8_t *buf, size_t cap, bool *eof)
{
	size_t n = 0;
	*eof = false;
	while (rr.next < rr.nev && rr.ev[rr.next].look <= look) {
		struct replay_event *e = &rr.ev[rr.next];
		if (e->eof) {
			*eof = true;
			rr.next++;
			break;
		}
		size_t k = e->len < cap - n ? e->len : cap - n;
		memcpy(buf + n, e->data, k);
		n += k;
		if (k < e->len) { /* no room now (the recorded run had it): later */
			memmove(e->data, e->data + k, e->len - k);
			e->len -= k;
			break;
		}
		rr.next++;
	}
	if (rr.next == rr.nev)
		*eof = true; /* nothing more will ever come */
	return n;
}

int replay_close(void)
{
	int r = 0;
	if (rr.rec && fclose(rr.rec)) {
		fprintf(stderr, "trapvisor: --record %s: cannot write: %s\n", rr.path,
			strerror(errno));
		r = -1;
	}
	if (rr.replaying && rr.next < rr.nev) {
		fprintf(stderr,
			"trapvisor: --replay %s: the run ended with %zu input event(s) not "
			"reached: it did not follow the recording\n",
			rr.path, rr.nev - rr.next);
		r = -1;
	}
	for (size_t i = 0; i < rr.nev; i++)
		free(rr.ev[i].data);
	free(rr.ev);
	memset(&rr, 0, sizeof(rr));
	return r;
}
