/*
 * plic.c -- the PLIC (see plic.h for the register map and the semantics).
 *
 * With at most 31 sources everything is a bit in one 32-bit word:
 *
 *   level    which source lines are high now (set by the devices)
 *   claimed  which sources a context has claimed and not yet completed
 *   pending  = level & ~claimed   (the level-triggered gateways)
 *
 * so the state can never disagree with itself: a claimed source is not
 * pending, and completing it makes it pending again exactly when its line
 * is still high.  After every change we recompute each context's output
 * line and call irq_set() only when its level changes.
 */
#include "devices/plic.h"
#include "devices/statebuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t plic_pending(const struct plic *p)
{
	return p->level & ~p->claimed;
}

/* The source a claim by `ctx` would return now: pending, enabled for ctx,
 * priority above the threshold; highest priority wins and, because the
 * comparison is strict, the lowest ID wins a tie.  0 if none. */
static int plic_best(const struct plic *p, int ctx)
{
	uint32_t cand = plic_pending(p) & p->enable[ctx];
	uint32_t best_prio = p->threshold[ctx];
	int best = 0;

	for (int src = 1; src <= BOARD_PLIC_NDEV; src++) {
		if ((cand >> src & 1) && p->priority[src] > best_prio) {
			best = src;
			best_prio = p->priority[src];
		}
	}
	return best;
}

/* Drive each context's line high iff it has something to claim. */
static void plic_update(struct plic *p)
{
	for (int ctx = 0; ctx < PLIC_NCTX; ctx++) {
		int level = plic_best(p, ctx) != 0;
		if (level != p->out_level[ctx]) {
			p->out_level[ctx] = level;
			irq_set(&p->out[ctx], level);
		}
	}
}

void plic_init(struct plic *p, const struct irq_line *ctx_out)
{
	memset(p, 0, sizeof(*p));
	for (int ctx = 0; ctx < PLIC_NCTX; ctx++) {
		if (ctx_out)
			p->out[ctx] = ctx_out[ctx];
		irq_set(&p->out[ctx], 0);
	}
}

void plic_set_irq(void *plic, int irq, int level)
{
	struct plic *p = plic;

	if (irq < 1 || irq > BOARD_PLIC_NDEV) {
		/* A device wired to a source that does not exist: board bug. */
		fprintf(stderr, "%s:%d: panic: plic_set_irq: no source %d\n", __FILE__, __LINE__,
			irq);
		abort();
	}
	if (level)
		p->level |= 1u << irq;
	else
		p->level &= ~(1u << irq);
	plic_update(p);
}

/* Where an offset points: one register, or nothing (reserved). */
enum plic_reg {
	PLIC_REG_NONE,
	PLIC_REG_PRIORITY,
	PLIC_REG_PENDING,
	PLIC_REG_ENABLE,
	PLIC_REG_THRESHOLD,
	PLIC_REG_CLAIM
};

/* Decode `off` (4-aligned) into a register and its source or context. */
static enum plic_reg plic_decode(uint64_t off, int *index)
{
	if (off < PLIC_PENDING) {
		*index = (int)(off / 4); /* < 0x400 */
		return *index >= 1 && *index <= BOARD_PLIC_NDEV ? PLIC_REG_PRIORITY : PLIC_REG_NONE;
	}
	if (off == PLIC_PENDING)
		return PLIC_REG_PENDING; /* words after the first: reserved */
	if (off >= PLIC_ENABLE && off < PLIC_CONTEXT) {
		uint64_t rel = off - PLIC_ENABLE;
		if (rel % PLIC_ENABLE_STRIDE != 0 || rel / PLIC_ENABLE_STRIDE >= PLIC_NCTX)
			return PLIC_REG_NONE; /* enable words of sources 32+, or no such ctx */
		*index = (int)(rel / PLIC_ENABLE_STRIDE);
		return PLIC_REG_ENABLE;
	}
	if (off >= PLIC_CONTEXT) {
		uint64_t rel = off - PLIC_CONTEXT;
		if (rel / PLIC_CONTEXT_STRIDE >= PLIC_NCTX)
			return PLIC_REG_NONE;
		*index = (int)(rel / PLIC_CONTEXT_STRIDE);
		switch (rel % PLIC_CONTEXT_STRIDE) {
		case PLIC_THRESHOLD: return PLIC_REG_THRESHOLD;
		case PLIC_CLAIM: return PLIC_REG_CLAIM;
		}
	}
	return PLIC_REG_NONE;
}

static enum bus_status plic_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct plic *p = dev;
	int i = 0;

	if (size != 4 || off % 4 != 0)
		return BUS_FAULT;
	switch (plic_decode(off, &i)) {
	case PLIC_REG_PRIORITY: *val = p->priority[i]; break;
	case PLIC_REG_PENDING: *val = plic_pending(p); break;
	case PLIC_REG_ENABLE: *val = p->enable[i]; break;
	case PLIC_REG_THRESHOLD: *val = p->threshold[i]; break;
	case PLIC_REG_CLAIM: {
		/* Reading claims: the source stops being pending until completed. */
		int src = plic_best(p, i);
		if (src)
			p->claimed |= 1u << src;
		*val = (uint64_t)src;
		plic_update(p);
		break;
	}
	case PLIC_REG_NONE: *val = 0; break;
	}
	return BUS_OK;
}

static enum bus_status plic_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct plic *p = dev;
	uint32_t v = (uint32_t)val;
	int i = 0;

	if (size != 4 || off % 4 != 0)
		return BUS_FAULT;
	switch (plic_decode(off, &i)) {
	case PLIC_REG_PRIORITY: p->priority[i] = v & PLIC_PRIO_MASK; break;
	case PLIC_REG_ENABLE:
		p->enable[i] = v & ~1u; /* source 0 does not exist */
		break;
	case PLIC_REG_THRESHOLD: p->threshold[i] = v & PLIC_PRIO_MASK; break;
	case PLIC_REG_CLAIM:
		/* Complete: per the spec, an ID that is not enabled for this
		 * context is silently ignored (and so is one out of range). */
		if (v >= 1 && v <= BOARD_PLIC_NDEV && (p->enable[i] >> v & 1))
			p->claimed &= ~(1u << v);
		break;
	case PLIC_REG_PENDING: /* read-only */
	case PLIC_REG_NONE: break;
	}
	plic_update(p);
	return BUS_OK;
}

const struct bus_ops plic_bus_ops = {
	.read = plic_read,
	.write = plic_write,
};

void plic_save(const struct plic *p, struct sbuf *b)
{
	for (int i = 0; i <= BOARD_PLIC_NDEV; i++)
		sbuf_put_u32(b, p->priority[i]);
	sbuf_put_u32(b, p->level);
	sbuf_put_u32(b, p->claimed);
	for (int c = 0; c < PLIC_NCTX; c++) {
		sbuf_put_u32(b, p->enable[c]);
		sbuf_put_u32(b, p->threshold[c]);
		sbuf_put_u32(b, (uint32_t)p->out_level[c]);
	}
}

int plic_load(struct plic *p, struct sbuf *b)
{
	for (int i = 0; i <= BOARD_PLIC_NDEV; i++)
		p->priority[i] = sbuf_get_u32(b);
	p->level = sbuf_get_u32(b);
	p->claimed = sbuf_get_u32(b);
	bool ok = !p->priority[0];
	for (int c = 0; c < PLIC_NCTX; c++) {
		p->enable[c] = sbuf_get_u32(b);
		p->threshold[c] = sbuf_get_u32(b);
		p->out_level[c] = (int)sbuf_get_u32(b);
		ok = ok && (p->out_level[c] == 0 || p->out_level[c] == 1);
	}
	/* Source 0 does not exist: no bit of it may be set. */
	return b->bad || !ok || ((p->level | p->claimed) & 1u) ? -1 : 0;
}
