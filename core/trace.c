/*
 * trace.c -- the trace ring buffer and its JSON Lines writer (trace.h).
 *
 * Each record is composed whole in memory, then written with one fwrite:
 * its size is known before it is written, so the file's cap is kept
 * exactly, and the file only ever ends in the middle of a record when
 * the process is killed without a chance to flush (SIGKILL) -- every
 * complete line is a whole record.
 */
#include "core/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Room for the longest record: four strings of TRACE_TEXT - 1 characters,
 * each escaped to at most 6 (\u00XX), and the numbers and keys. */
#define TRACE_RECORD_MAX (4 * 6 * TRACE_TEXT + 512)

/* A record being composed. */
struct trace_buf {
	char text[TRACE_RECORD_MAX];
	size_t len;
};

static void trace_put(struct trace_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->text + b->len, sizeof(b->text) - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->text) - b->len) {
		/* TRACE_RECORD_MAX bounds every record: a broken invariant. */
		fprintf(stderr, "trapvisor: %s:%d: panic: trace record too long\n", __FILE__,
			__LINE__);
		abort();
	}
	b->len += (size_t)n;
}

/* Strings in events are our own short texts, but escape them anyway so a
 * disassembly or device name can never break the JSON. */
static void trace_json_string(struct trace_buf *b, const char *s)
{
	trace_put(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			trace_put(b, "\\%c", c);
		else if (c < 0x20)
			trace_put(b, "\\u%04x", c);
		else
			trace_put(b, "%c", c);
	}
	trace_put(b, "\"");
}

static void trace_format(struct trace_buf *b, const struct trace_event *ev)
{
	b->len = 0;
	trace_put(b, "{\"seq\":%" PRIu64 ",\"icount\":%" PRIu64 ",\"vm\":%d,\"vcpu\":%d,", ev->seq,
		  ev->icount, ev->vm, ev->vcpu);
	trace_put(b, "\"cause\":%" PRIu32 ",\"cause_name\":", ev->cause);
	trace_json_string(b, ev->cause_name);
	trace_put(b, ",\"pc\":\"0x%" PRIx64 "\",\"insn\":\"0x%08" PRIx32 "\",\"disasm\":", ev->pc,
		  ev->insn);
	trace_json_string(b, ev->disasm);
	trace_put(b, ",\"vmode\":");
	trace_json_string(b, ev->vmode);
	trace_put(b, ",\"action\":");
	trace_json_string(b, ev->action);
	trace_put(b, ",\"detail\":\"0x%" PRIx64 "\",\"cost_ns\":%" PRIu64 "}", ev->detail,
		  ev->cost_ns);
}

int trace_open(struct trace *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->limit = TRACE_LIMIT_DEFAULT;
	if (!path)
		return 0;
	t->path = path;
	t->out = fopen(path, "w");
	if (!t->out) {
		fprintf(stderr, "trapvisor: --trace %s: cannot create: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

void trace_set_limit(struct trace *t, uint64_t bytes)
{
	t->limit = bytes;
}

/* A write to the file failed: say so once, and write no more. */
static void trace_fail(struct trace *t, int err)
{
	if (!t->failed)
		fprintf(stderr, "trapvisor: --trace %s: write failed: %s\n", t->path,
			strerror(err));
	t->failed = true;
}

int trace_close(struct trace *t)
{
	if (t->out) {
		errno = 0;
		bool bad = ferror(t->out);
		int err = errno;
		if (fclose(t->out) != 0 || bad)
			trace_fail(t, errno ? errno : err ? err : EIO);
	}
	t->out = NULL;
	return t->failed ? -1 : 0;
}

/* Append `len` bytes of text to the file. */
static void trace_append(struct trace *t, const char *text, size_t len)
{
	if (fwrite(text, 1, len, t->out) != len) {
		trace_fail(t, errno ? errno : EIO);
		return;
	}
	t->written += len;
}

/* Write `slot` to the file, or the record that ends a capped file. */
static void trace_write_record(struct trace *t, const struct trace_event *slot)
{
	struct trace_buf b;
	trace_format(&b, slot);
	b.text[b.len++] = '\n';
	/* Room is kept for the last record (short: well under 128 bytes). */
	if (t->limit && t->written + b.len + 128 > t->limit) {
		b.len = 0;
		trace_put(&b, "{\"seq\":%" PRIu64 ",\"truncated\":true,\"limit\":%" PRIu64 "}\n",
			  slot->seq, t->limit);
		t->capped = true;
	}
	errno = 0;
	trace_append(t, b.text, b.len);
	/* A full disk shows when the buffer is flushed: look at every flush. */
	if (!t->failed && ferror(t->out))
		trace_fail(t, errno ? errno : EIO);
}

const struct trace_event *trace_emit(struct trace *t, const struct trace_event *ev)
{
	struct trace_event *slot = &t->ring[t->next_seq % TRACE_RING];
	*slot = *ev;
	slot->seq = t->next_seq++;
	if (t->out && !t->capped && !t->failed)
		trace_write_record(t, slot);
	return slot;
}

const struct trace_event *trace_recent(const struct trace *t, uint64_t i)
{
	if (i >= t->next_seq || i >= TRACE_RING)
		return NULL;
	return &t->ring[(t->next_seq - 1 - i) % TRACE_RING];
}

void trace_write_json(FILE *f, const struct trace_event *ev)
{
	struct trace_buf b;
	trace_format(&b, ev);
	fwrite(b.text, 1, b.len, f);
}
