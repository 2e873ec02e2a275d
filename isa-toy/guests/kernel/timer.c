/*
 * timer.c -- the tick.  With the Sstc extension the supervisor owns its
 * own compare register: the hart raises the S-mode timer interrupt
 * (sip.STIP) for as long as time >= stimecmp, so the handler clears it by
 * moving stimecmp into the future.  No firmware call is needed per tick.
 */
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/sbi.h"
#include "kernel/timer.h"

static uint32_t timer_interval; /* `time` units per tick */
static uint64_t timer_next;	/* when the next tick is due */
static volatile uint32_t timer_tick_count;

uint64_t timer_now(void)
{
	uint32_t hi, lo;

	/* RV32 reads the 64-bit counter in two halves; if the high half
	 * changed in between, the low half wrapped: read again. */
	do {
		hi = csr_read(timeh);
		lo = csr_read(time);
	} while (hi != csr_read(timeh));
	return ((uint64_t)hi << 32) | lo;
}

/* timer_set_compare: program stimecmp (a privileged write).  Written as
 * high = all ones, low, high so that no intermediate value is in the past
 * and fires a spurious interrupt. */
static void timer_set_compare(uint64_t when)
{
#ifdef PARAVIRT
	/* Three trapped CSR writes become one call: the SBI's own set_timer
	 * (which the monitor answers by setting the virtual stimecmp). */
	sbi_call(SBI_EXT_TIME, 0, (uint32_t)when, (uint32_t)(when >> 32), 0);
#else
	csr_write(stimecmph, 0xffffffffu);
	csr_write(stimecmp, (uint32_t)when);
	csr_write(stimecmph, (uint32_t)(when >> 32));
#endif
}

void timer_init(uint32_t timebase_hz)
{
	timer_interval = timebase_hz / TIMER_HZ;
	timer_next = timer_now() + timer_interval;
	timer_set_compare(timer_next);
	csr_set(sie, SIE_STIE);
}

void timer_intr(void)
{
	/* Skip ticks we missed (a slow host), but never arm one in the past. */
	uint64_t now = timer_now();
	do
		timer_next += timer_interval;
	while (timer_next <= now);
	timer_set_compare(timer_next);
	timer_tick_count++;
	virt_timer_tick();
	proc_wakeup(timer_chan());
}

uint32_t timer_ticks(void)
{
	return timer_tick_count;
}

/* Sleepers wait on &timer_tick_count; see proc_sleep_ticks() in proc.c. */
void *timer_chan(void)
{
	return (void *)&timer_tick_count;
}
