/*
 * trace.c -- the trace ring buffer and its JSON Lines writer (trace.h).
 */
#include "core/trace.h"

#include <inttypes.h>
#include <string.h>

int trace_open(struct trace *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	if (!path)
		return 0;
	t->out = fopen(path, "w");
	if (!t->out) {
		perror(path);
		return -1;
	}
	return 0;
}

void trace_close(struct trace *t)
{
	if (t->out)
		fclose(t->out);
	t->out = NULL;
}

const struct trace_event *trace_emit(struct trace *t, const struct trace_event *ev)
{
	struct trace_event *slot = &t->ring[t->next_seq % TRACE_RING];
	*slot = *ev;
	slot->seq = t->next_seq++;
	if (t->out) {
		trace_write_json(t->out, slot);
		fputc('\n', t->out);
	}
	return slot;
}

const struct trace_event *trace_recent(const struct trace *t, uint64_t i)
{
	if (i >= t->next_seq || i >= TRACE_RING)
		return NULL;
	return &t->ring[(t->next_seq - 1 - i) % TRACE_RING];
}

/* Strings in events are our own short texts, but escape them anyway so a
 * disassembly or device name can never break the JSON. */
static void trace_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void trace_write_json(FILE *f, const struct trace_event *ev)
{
	fprintf(f, "{\"seq\":%" PRIu64 ",\"icount\":%" PRIu64 ",\"vm\":%d,\"vcpu\":%d,", ev->seq,
		ev->icount, ev->vm, ev->vcpu);
	fprintf(f, "\"cause\":%" PRIu32 ",\"cause_name\":", ev->cause);
	trace_json_string(f, ev->cause_name);
	fprintf(f, ",\"pc\":\"0x%" PRIx64 "\",\"insn\":\"0x%08" PRIx32 "\",\"disasm\":", ev->pc,
		ev->insn);
	trace_json_string(f, ev->disasm);
	fputs(",\"vmode\":", f);
	trace_json_string(f, ev->vmode);
	fputs(",\"action\":", f);
	trace_json_string(f, ev->action);
	fprintf(f, ",\"detail\":\"0x%" PRIx64 "\",\"cost_ns\":%" PRIu64 "}", ev->detail,
		ev->cost_ns);
}
