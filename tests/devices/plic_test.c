/*
 * plic_test.c -- the PLIC: priorities, threshold, claim/complete with the
 * level-triggered gateway, ties, enables per context, the two output
 * lines, and the register file's access rules.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <string.h>

#include "devices/plic.h"
#include "devices/uart16550.h"
#include "tests/devices/irq_log.h"

static struct plic plic;
static struct irq_log ctx_log[PLIC_NCTX];

static void setup(void)
{
	memset(ctx_log, 0, sizeof(ctx_log));
	struct irq_line out[PLIC_NCTX] = {
		irq_log_line(&ctx_log[0], 11), /* M external: unconnected on the board */
		irq_log_line(&ctx_log[1], 9),  /* S external */
	};
	plic_init(&plic, out);
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0xdeadbeef;
	cr_assert_eq(plic_bus_ops.read(&plic, off, 4, &v), BUS_OK, "read %#x", off);
	return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t v)
{
	cr_assert_eq(plic_bus_ops.write(&plic, off, 4, v), BUS_OK, "write %#x", off);
}

static uint32_t prio_reg(int src)
{
	return PLIC_PRIORITY + 4u * (uint32_t)src;
}
static uint32_t enable_reg(int ctx)
{
	return PLIC_ENABLE + PLIC_ENABLE_STRIDE * (uint32_t)ctx;
}
static uint32_t threshold_reg(int ctx)
{
	return PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (uint32_t)ctx + PLIC_THRESHOLD;
}
static uint32_t claim_reg(int ctx)
{
	return PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (uint32_t)ctx + PLIC_CLAIM;
}

/* Route `src` at `prio` to S-mode (context 1). */
static void route_s(int src, uint32_t prio)
{
	wr(prio_reg(src), prio);
	wr(enable_reg(PLIC_CTX_S), rd(enable_reg(PLIC_CTX_S)) | 1u << src);
}

/* For the panic tests: their message is expected, keep it off the log. */
static void setup_quiet(void)
{
	setup();
	cr_redirect_stderr();
}

TestSuite(plic, .init = setup);

Test(plic, reset_state)
{
	for (int src = 1; src <= BOARD_PLIC_NDEV; src++)
		cr_assert_eq(rd(prio_reg(src)), 0);
	cr_assert_eq(rd(PLIC_PENDING), 0);
	for (int ctx = 0; ctx < PLIC_NCTX; ctx++) {
		cr_assert_eq(rd(enable_reg(ctx)), 0);
		cr_assert_eq(rd(threshold_reg(ctx)), 0);
		cr_assert_eq(rd(claim_reg(ctx)), 0, "nothing to claim");
		cr_assert_eq(ctx_log[ctx].n, 1);
		cr_assert_eq(ctx_log[ctx].levels[0], 0, "init drives the line low");
	}
	cr_assert_eq(ctx_log[1].last_irq, 9);
}

Test(plic, claim_complete_cycle)
{
	route_s(10, 1);
	plic_set_irq(&plic, 10, 1);
	cr_assert_eq(rd(PLIC_PENDING), 1u << 10);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 1, "S context line high");
	cr_assert_eq(irq_log_level(&ctx_log[0]), 0, "M context: not enabled there");

	cr_assert_eq(rd(claim_reg(1)), 10);
	cr_assert_eq(rd(PLIC_PENDING), 0, "claim clears pending");
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);
	cr_assert_eq(rd(claim_reg(1)), 0, "claimed: not offered twice");

	/* the device still holds its line high: completing re-arms it */
	wr(claim_reg(1), 10);
	cr_assert_eq(rd(PLIC_PENDING), 1u << 10);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 1);

	/* the device lowers its line: no longer pending */
	plic_set_irq(&plic, 10, 0);
	cr_assert_eq(rd(PLIC_PENDING), 0);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);
	cr_assert_eq(rd(claim_reg(1)), 0);
	int want[] = { 0, 1, 0, 1, 0 };
	cr_assert_eq(ctx_log[1].n, 5);
	cr_assert_arr_eq(ctx_log[1].levels, want, sizeof(want));
}

Test(plic, line_dropped_while_claimed)
{
	route_s(3, 2);
	plic_set_irq(&plic, 3, 1);
	cr_assert_eq(rd(claim_reg(1)), 3);
	plic_set_irq(&plic, 3, 0); /* serviced: the device lowered it */
	wr(claim_reg(1), 3);
	cr_assert_eq(rd(PLIC_PENDING), 0, "nothing left after completion");
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);
	/* raised again while claimed: pending only after completion */
	plic_set_irq(&plic, 3, 1);
	cr_assert_eq(rd(claim_reg(1)), 3);
	plic_set_irq(&plic, 3, 0);
	plic_set_irq(&plic, 3, 1);
	cr_assert_eq(rd(PLIC_PENDING), 0, "gateway holds it while claimed");
	wr(claim_reg(1), 3);
	cr_assert_eq(rd(PLIC_PENDING), 1u << 3);
}

Test(plic, priority_zero_never_interrupts)
{
	route_s(5, 0);
	plic_set_irq(&plic, 5, 1);
	cr_assert_eq(rd(PLIC_PENDING), 1u << 5, "pending even at priority 0");
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);
	cr_assert_eq(rd(claim_reg(1)), 0);
	wr(prio_reg(5), 1);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 1, "raising the priority delivers it");
	cr_assert_eq(rd(claim_reg(1)), 5);
}

Test(plic, threshold)
{
	route_s(7, 3);
	wr(threshold_reg(1), 3);
	plic_set_irq(&plic, 7, 1);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0, "priority must exceed the threshold");
	cr_assert_eq(rd(claim_reg(1)), 0);
	wr(threshold_reg(1), 2);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 1);
	wr(threshold_reg(1), 7);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0, "raising the threshold masks it");
	wr(threshold_reg(1), 0);
	cr_assert_eq(rd(claim_reg(1)), 7);
}

Test(plic, highest_priority_then_lowest_id)
{
	route_s(3, 2);
	route_s(5, 2);
	route_s(7, 5);
	route_s(9, 1);
	for (int src = 3; src <= 9; src += 2)
		plic_set_irq(&plic, src, 1);
	cr_assert_eq(rd(claim_reg(1)), 7, "highest priority first");
	cr_assert_eq(rd(claim_reg(1)), 3, "tie: lowest ID");
	cr_assert_eq(rd(claim_reg(1)), 5);
	cr_assert_eq(rd(claim_reg(1)), 9);
	cr_assert_eq(rd(claim_reg(1)), 0);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);
}

Test(plic, enables_are_per_context)
{
	wr(prio_reg(4), 1);
	wr(enable_reg(PLIC_CTX_M), 1u << 4);
	plic_set_irq(&plic, 4, 1);
	cr_assert_eq(irq_log_level(&ctx_log[0]), 1, "M context hears it");
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0, "S context does not");
	cr_assert_eq(rd(claim_reg(1)), 0, "S cannot claim a source it has disabled");
	/* a completion from a context where the source is disabled is ignored */
	cr_assert_eq(rd(claim_reg(0)), 4);
	wr(claim_reg(1), 4);
	cr_assert_eq(rd(PLIC_PENDING), 0, "still claimed");
	wr(claim_reg(0), 4);
	cr_assert_eq(rd(PLIC_PENDING), 1u << 4);
}

Test(plic, disabled_source_stays_pending)
{
	route_s(6, 1);
	wr(enable_reg(1), 0);
	plic_set_irq(&plic, 6, 1);
	cr_assert_eq(rd(PLIC_PENDING), 1u << 6);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);
	wr(enable_reg(1), 1u << 6);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 1, "enabling delivers the pending one");
}

Test(plic, register_masks)
{
	wr(prio_reg(1), 0xffffffff);
	cr_assert_eq(rd(prio_reg(1)), PLIC_PRIO_MASK, "priority is WARL, 3 bits");
	wr(threshold_reg(1), 0x12345);
	cr_assert_eq(rd(threshold_reg(1)), 0x12345 & PLIC_PRIO_MASK);
	wr(enable_reg(1), 0xffffffff);
	cr_assert_eq(rd(enable_reg(1)), 0xfffffffe, "source 0 cannot be enabled");
	wr(prio_reg(0), 5);
	cr_assert_eq(rd(prio_reg(0)), 0, "source 0 does not exist");
	wr(PLIC_PENDING, 0xffffffff);
	cr_assert_eq(rd(PLIC_PENDING), 0, "pending is read-only");
	/* reserved: a third context, a second enable word, odd offsets */
	wr(claim_reg(2), 1);
	cr_assert_eq(rd(threshold_reg(2)), 0);
	cr_assert_eq(rd(enable_reg(1) + 4), 0);
	cr_assert_eq(rd(PLIC_CONTEXT + 8), 0);
	cr_assert_eq(rd(BOARD_PLIC_SIZE - 4), 0);
	/* completing nonsense IDs is harmless */
	wr(claim_reg(1), 0);
	wr(claim_reg(1), 1000);
	wr(claim_reg(1), 0xffffffff);
}

Test(plic, only_aligned_words)
{
	uint64_t v;
	for (unsigned size = 1; size <= 8; size *= 2) {
		if (size == 4)
			continue;
		cr_assert_eq(plic_bus_ops.read(&plic, prio_reg(1), size, &v), BUS_FAULT);
		cr_assert_eq(plic_bus_ops.write(&plic, prio_reg(1), size, 1), BUS_FAULT);
	}
	cr_assert_eq(plic_bus_ops.read(&plic, prio_reg(1) + 2, 4, &v), BUS_FAULT);
	cr_assert_eq(plic_bus_ops.write(&plic, claim_reg(1) + 1, 4, 1), BUS_FAULT);
}

Test(plic, bad_source_panics, .init = setup_quiet, .signal = SIGABRT)
{
	plic_set_irq(&plic, BOARD_PLIC_NDEV + 1, 1);
}

Test(plic, zero_source_panics, .init = setup_quiet, .signal = SIGABRT)
{
	plic_set_irq(&plic, 0, 1);
}

Test(plic, unconnected_outputs)
{
	struct plic p;
	uint64_t v;
	plic_init(&p, NULL);
	plic_set_irq(&p, 1, 1);
	cr_assert_eq(plic_bus_ops.write(&p, prio_reg(1), 4, 1), BUS_OK);
	cr_assert_eq(plic_bus_ops.write(&p, enable_reg(1), 4, 2), BUS_OK);
	cr_assert_eq(plic_bus_ops.read(&p, claim_reg(1), 4, &v), BUS_OK);
	cr_assert_eq(v, 1);
}

/* The board's wiring end to end: UART line -> PLIC source 10 -> S context,
 * everything through the bus at the board's addresses. */
Test(plic, uart_through_plic_on_the_bus)
{
	struct uart16550 uart;
	struct bus bus;
	uint64_t v;
	struct irq_line uart_line = { plic_set_irq, &plic, BOARD_UART_IRQ };

	uart_init(&uart, &uart_line, NULL, NULL);
	bus_init(&bus);
	cr_assert_eq(
	    bus_register(&bus, "plic", BOARD_PLIC_BASE, BOARD_PLIC_SIZE, &plic, &plic_bus_ops), 0);
	cr_assert_eq(
	    bus_register(&bus, "uart", BOARD_UART_BASE, BOARD_UART_SIZE, &uart, &uart_bus_ops), 0);
	bus_write(&bus, BOARD_PLIC_BASE + prio_reg(BOARD_UART_IRQ), 4, 1);
	bus_write(&bus, BOARD_PLIC_BASE + enable_reg(1), 4, 1u << BOARD_UART_IRQ);
	bus_write(&bus, BOARD_UART_BASE + UART_IER, 1, UART_IER_ERBFI);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0);

	uart_rx_push(&uart, 'k');
	cr_assert_eq(irq_log_level(&ctx_log[1]), 1, "a received byte raises SEIP");
	cr_assert_eq(bus_read(&bus, BOARD_PLIC_BASE + claim_reg(1), 4, &v), BUS_OK);
	cr_assert_eq(v, BOARD_UART_IRQ);
	bus_read(&bus, BOARD_UART_BASE + UART_RBR, 1, &v);
	cr_assert_eq(v, 'k');
	bus_write(&bus, BOARD_PLIC_BASE + claim_reg(1), 4, BOARD_UART_IRQ);
	cr_assert_eq(irq_log_level(&ctx_log[1]), 0, "drained and completed: SEIP low");
	cr_assert_eq(bus_read(&bus, BOARD_PLIC_BASE + PLIC_PENDING, 4, &v), BUS_OK);
	cr_assert_eq(v, 0);
}
