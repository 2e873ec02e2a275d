/*
 * timer.h -- time and the scheduler tick, from the `time` counter and the
 * Sstc compare register `stimecmp`.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/types.h"

#define TIMER_HZ 100 /* scheduler ticks per second */

/* timer_init: ticks from a `time` counter running at `timebase_hz`;
 * arms the first tick and enables the timer interrupt (sie.STIE). */
void timer_init(uint32_t timebase_hz);
/* timer_now: the 64-bit `time` counter. */
uint64_t timer_now(void);
/* timer_intr: the timer fired: arm the next tick, count it, wake
 * sleepers whose time has come.  Interrupts are off. */
void timer_intr(void);
/* timer_ticks: ticks since boot. */
uint32_t timer_ticks(void);
/* timer_chan: what sleepers wait on; woken at every tick. */
void *timer_chan(void);

#endif
