/*
 * uart_test.c -- the ns16550a model: register semantics, the receive FIFO,
 * interrupt identification and the exact transitions of its IRQ line.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "devices/uart16550.h"
#include "isa-toy/board.h"
#include "tests/devices/irq_log.h"

static struct uart16550 uart;
static struct irq_log log_;
static uint8_t sent[64];
static int nsent;

static void tx_record(void *ctx, uint8_t byte)
{
	cr_assert_eq(ctx, &nsent, "tx gets the context given to uart_init");
	if (nsent < (int)sizeof(sent))
		sent[nsent++] = byte;
}

static void setup(void)
{
	memset(&log_, 0, sizeof(log_));
	nsent = 0;
	struct irq_line line = irq_log_line(&log_, BOARD_UART_IRQ);
	uart_init(&uart, &line, tx_record, &nsent);
}

static uint8_t rd(unsigned off)
{
	uint64_t v = 0xdead;
	cr_assert_eq(uart_bus_ops.read(&uart, off, 1, &v), BUS_OK, "read offset %u", off);
	cr_assert_leq(v, 0xff, "8-bit register");
	return (uint8_t)v;
}

static void wr(unsigned off, uint8_t v)
{
	cr_assert_eq(uart_bus_ops.write(&uart, off, 1, v), BUS_OK, "write offset %u", off);
}

/* The line's log equals the given levels. */
static void expect_levels(const int *want, int n)
{
	cr_assert_eq(log_.n, n, "%d level changes, want %d", log_.n, n);
	for (int i = 0; i < n; i++)
		cr_assert_eq(log_.levels[i], want[i], "level change %d", i);
}

TestSuite(uart, .init = setup);

Test(uart, reset_state)
{
	cr_assert_eq(rd(UART_IER), 0);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
	cr_assert_eq(rd(UART_LCR), 0);
	cr_assert_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	cr_assert_eq(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	cr_assert_eq(uart_rx_room(&uart), UART_FIFO_SIZE);
	/* init drives the line low once, on the UART's source number */
	expect_levels((int[]){ 0 }, 1);
	cr_assert_eq(log_.last_irq, BOARD_UART_IRQ);
}

Test(uart, dlab_selects_divisor_latch)
{
	wr(UART_IER, UART_IER_ERBFI);
	wr(UART_LCR, UART_LCR_DLAB | 0x03);
	wr(UART_DLL, 0x12); /* not a transmit */
	wr(UART_DLM, 0x34); /* not IER */
	cr_assert_eq(rd(UART_DLL), 0x12);
	cr_assert_eq(rd(UART_DLM), 0x34);
	cr_assert_eq(nsent, 0, "a DLL write must not transmit");
	wr(UART_LCR, 0x03);
	cr_assert_eq(rd(UART_IER), UART_IER_ERBFI, "IER kept across DLAB");
	cr_assert_eq(rd(UART_LCR), 0x03);
	wr(UART_THR, 'A');
	cr_assert_eq(nsent, 1);
	cr_assert_eq(sent[0], 'A');
	/* the divisor survives and is visible again with DLAB */
	wr(UART_LCR, UART_LCR_DLAB);
	cr_assert_eq(rd(UART_DLL), 0x12);
	cr_assert_eq(rd(UART_DLM), 0x34);
}

Test(uart, transmit_in_order)
{
	const char *msg = "hello\n";
	for (const char *c = msg; *c; c++)
		wr(UART_THR, (uint8_t)*c);
	cr_assert_eq(nsent, 6);
	cr_assert_arr_eq(sent, msg, 6);
	/* THR empties at once */
	cr_assert_eq(rd(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
}

Test(uart, scratch_and_masks)
{
	wr(UART_SCR, 0x5a);
	cr_assert_eq(rd(UART_SCR), 0x5a);
	wr(UART_IER, 0xff);
	cr_assert_eq(rd(UART_IER), UART_IER_MASK, "IER bits 7..4 read as 0");
	wr(UART_MCR, 0xff);
	cr_assert_eq(rd(UART_MCR), UART_MCR_MASK, "MCR bits 7..5 read as 0");
	wr(UART_LSR, 0x00); /* ignored */
	cr_assert_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

Test(uart, lsr_data_ready)
{
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert_eq(uart_rx_push(&uart, 'x'), 0);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	cr_assert_eq(rd(UART_RBR), 'x');
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert_eq(rd(UART_RBR), 0, "empty FIFO reads 0");
}

Test(uart, fifo_order_and_full)
{
	for (int i = 0; i < UART_FIFO_SIZE; i++) {
		cr_assert_eq(uart_rx_room(&uart), UART_FIFO_SIZE - i);
		cr_assert_eq(uart_rx_push(&uart, (uint8_t)('a' + i)), 0);
	}
	cr_assert_eq(uart_rx_room(&uart), 0);
	cr_assert_eq(uart_rx_push(&uart, '!'), -1, "full FIFO refuses");
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		cr_assert_eq(rd(UART_RBR), 'a' + i, "byte %d in order", i);
	cr_assert_eq(uart_rx_room(&uart), UART_FIFO_SIZE);
	/* the ring wraps correctly */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 5; i++)
			cr_assert_eq(uart_rx_push(&uart, (uint8_t)(round * 10 + i)), 0);
		for (int i = 0; i < 5; i++)
			cr_assert_eq(rd(UART_RBR), round * 10 + i);
	}
}

Test(uart, thre_interrupt_one_shot)
{
	/* enabling ETBEI while THR is empty raises the THRE interrupt */
	wr(UART_IER, UART_IER_ETBEI);
	expect_levels((int[]){ 0, 1 }, 2);
	cr_assert_eq(rd(UART_IIR), UART_IIR_THRI);
	/* reading IIR acknowledged it */
	expect_levels((int[]){ 0, 1, 0 }, 3);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
	/* a write to THR re-arms it */
	wr(UART_THR, 'z');
	expect_levels((int[]){ 0, 1, 0, 1 }, 4);
	cr_assert_eq(rd(UART_IIR), UART_IIR_THRI);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
	/* reading LSR does not acknowledge it, and re-enabling while already
	 * enabled does not re-arm it */
	wr(UART_IER, UART_IER_ETBEI);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
	expect_levels((int[]){ 0, 1, 0, 1, 0 }, 5);
	/* disabling the interrupt drops the line even while armed */
	wr(UART_THR, 'y');
	wr(UART_IER, 0);
	expect_levels((int[]){ 0, 1, 0, 1, 0, 1, 0 }, 7);
}

Test(uart, rx_interrupt_level)
{
	cr_assert_eq(uart_rx_push(&uart, '1'), 0);
	expect_levels((int[]){ 0 }, 1); /* not enabled: line stays low */
	wr(UART_IER, UART_IER_ERBFI);
	expect_levels((int[]){ 0, 1 }, 2);
	cr_assert_eq(rd(UART_IIR), UART_IIR_RDI);
	cr_assert_eq(rd(UART_IIR), UART_IIR_RDI, "reading IIR does not clear data");
	cr_assert_eq(uart_rx_push(&uart, '2'), 0);
	expect_levels((int[]){ 0, 1 }, 2); /* still high: no new transition */
	rd(UART_RBR);
	expect_levels((int[]){ 0, 1 }, 2);
	rd(UART_RBR);
	expect_levels((int[]){ 0, 1, 0 }, 3);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
}

Test(uart, iir_priorities)
{
	wr(UART_IER, UART_IER_ERBFI | UART_IER_ETBEI);
	cr_assert_eq(uart_rx_push(&uart, 'q'), 0);
	/* data outranks THR-empty; reading IIR then does not ack THRE */
	cr_assert_eq(rd(UART_IIR), UART_IIR_RDI);
	cr_assert_eq(rd(UART_IIR), UART_IIR_RDI);
	cr_assert_eq(rd(UART_RBR), 'q');
	cr_assert_eq(rd(UART_IIR), UART_IIR_THRI, "THRE still pending underneath");
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
	expect_levels((int[]){ 0, 1, 0 }, 3);
}

Test(uart, fifo_trigger_and_timeout)
{
	wr(UART_FCR, UART_FCR_FIFOE | 0x40); /* trigger level 4 */
	cr_assert_eq(rd(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	wr(UART_IER, UART_IER_ERBFI);
	uart_rx_push(&uart, 1);
	uart_rx_push(&uart, 2);
	cr_assert_eq(rd(UART_IIR), UART_IIR_FIFOS | UART_IIR_CTI, "below trigger: timeout");
	uart_rx_push(&uart, 3);
	uart_rx_push(&uart, 4);
	cr_assert_eq(rd(UART_IIR), UART_IIR_FIFOS | UART_IIR_RDI, "at trigger level");
	expect_levels((int[]){ 0, 1 }, 2);
	/* RFIFOR empties the receive FIFO and drops the line */
	wr(UART_FCR, UART_FCR_FIFOE | UART_FCR_RFIFOR | 0x40);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert_eq(rd(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	expect_levels((int[]){ 0, 1, 0 }, 3);
	/* switching FIFOs off empties them too, and IIR bits 7..6 clear */
	uart_rx_push(&uart, 5);
	wr(UART_FCR, 0);
	cr_assert_eq(uart_rx_room(&uart), UART_FIFO_SIZE);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
}

Test(uart, loopback)
{
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | UART_MCR_OUT2);
	cr_assert_eq(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	cr_assert_eq(rd(UART_MSR), UART_MSR_CTS, "CTS follows RTS");
	wr(UART_THR, 'L');
	cr_assert_eq(nsent, 0, "loopback does not reach the host");
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	cr_assert_eq(rd(UART_RBR), 'L');
	/* overrun: the 17th byte is lost and LSR.OE says so, once */
	wr(UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
	for (int i = 0; i <= UART_FIFO_SIZE; i++)
		wr(UART_THR, (uint8_t)i);
	cr_assert_eq(rd(UART_IIR), UART_IIR_RLSI, "line status outranks data");
	cr_assert_eq(rd(UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_OE, 0, "OE clears when read");
	cr_assert_eq(rd(UART_IIR), UART_IIR_RDI);
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		cr_assert_eq(rd(UART_RBR), i);
}

Test(uart, refuses_other_sizes_and_offsets)
{
	uint64_t v;
	for (unsigned size = 2; size <= 8; size *= 2) {
		cr_assert_eq(uart_bus_ops.read(&uart, 0, size, &v), BUS_FAULT, "size %u", size);
		cr_assert_eq(uart_bus_ops.write(&uart, 0, size, 'x'), BUS_FAULT, "size %u", size);
	}
	cr_assert_eq(uart_bus_ops.read(&uart, UART_NREGS, 1, &v), BUS_FAULT);
	cr_assert_eq(uart_bus_ops.write(&uart, 0xff, 1, 0), BUS_FAULT);
	cr_assert_eq(nsent, 0);
}

Test(uart, unconnected_line_and_no_tx)
{
	struct uart16550 u;
	uint64_t v;
	uart_init(&u, NULL, NULL, NULL);
	cr_assert_eq(uart_bus_ops.write(&u, UART_IER, 1, UART_IER_ETBEI), BUS_OK);
	cr_assert_eq(uart_bus_ops.write(&u, UART_THR, 1, 'x'), BUS_OK);
	cr_assert_eq(uart_bus_ops.read(&u, UART_IIR, 1, &v), BUS_OK);
	cr_assert_eq(v, UART_IIR_THRI);
}

Test(uart, through_the_bus)
{
	struct bus bus;
	uint64_t v;
	bus_init(&bus);
	cr_assert_eq(
	    bus_register(&bus, "uart", BOARD_UART_BASE, BOARD_UART_SIZE, &uart, &uart_bus_ops), 0);
	cr_assert_eq(bus_write(&bus, BOARD_UART_BASE + UART_THR, 1, 'B'), BUS_OK);
	cr_assert_eq(nsent, 1);
	cr_assert_eq(sent[0], 'B');
	cr_assert_eq(bus_read(&bus, BOARD_UART_BASE + UART_LSR, 1, &v), BUS_OK);
	cr_assert_eq(v, UART_LSR_THRE | UART_LSR_TEMT);
	cr_assert_eq(bus_read(&bus, BOARD_UART_BASE + UART_LSR, 4, &v), BUS_FAULT);
}
