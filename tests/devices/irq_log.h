/*
 * irq_log.h -- a fake interrupt controller for the device tests: an
 * irq_line whose set() records every level driven on it, so a test can
 * assert the exact sequence of transitions a device produced.
 */
#ifndef TESTS_DEVICES_IRQ_LOG_H
#define TESTS_DEVICES_IRQ_LOG_H

#include "devices/bus.h"

#define IRQ_LOG_MAX 64

struct irq_log {
	int levels[IRQ_LOG_MAX]; /* every level set, oldest first */
	int n;			 /* how many */
	int last_irq;		 /* the irq number of the last call */
};

static inline void irq_log_set(void *ctrl, int irq, int level)
{
	struct irq_log *l = ctrl;
	if (l->n < IRQ_LOG_MAX)
		l->levels[l->n++] = level;
	l->last_irq = irq;
}

/* A line numbered `irq` that logs into `l`. */
static inline struct irq_line irq_log_line(struct irq_log *l, int irq)
{
	return (struct irq_line){ .set = irq_log_set, .ctrl = l, .irq = irq };
}

/* The level last driven, or -1 if none yet. */
static inline int irq_log_level(const struct irq_log *l)
{
	return l->n ? l->levels[l->n - 1] : -1;
}

#endif
