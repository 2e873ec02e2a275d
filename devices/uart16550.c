/*
 * uart16550.c -- the ns16550a UART (see uart16550.h for the register map
 * and what the model leaves out).
 *
 * The one subtle part is the interrupt logic.  The chip has four interrupt
 * conditions; IIR reports only the highest-priority one that is enabled:
 *
 *   priority  IIR   condition                          cleared by
 *   1 (high)  0x06  overrun (LSR.OE, loopback only)    reading LSR
 *   2         0x04  FIFO at trigger level              reading RBR below it
 *             0x0C  data below trigger level (timeout) reading RBR to empty
 *   3         0x02  THR empty                          reading IIR (when it
 *                                                      says 0x02), writing THR
 *   4 (low)   0x00  modem status change                never happens here
 *
 * The THR-empty interrupt is special: THR stays empty, yet the interrupt
 * goes away once the guest has *seen* it in IIR, and comes back when the
 * guest writes THR (which empties at once) or enables ETBEI while THR is
 * empty.  `thre_pending` is that one-shot flag.  Drivers depend on it:
 * Linux kicks transmission by setting ETBEI and waiting for the interrupt.
 *
 * The output line is high exactly when IIR would report an interrupt; we
 * call irq_set() only when that level changes.
 */
#include "devices/uart16550.h"
#include "devices/statebuf.h"

#include <string.h>

/* Receive trigger levels selected by FCR bits 7..6 (FCR_RTRIG). */
static const unsigned uart_trigger_levels[4] = { 1, 4, 8, 14 };

static unsigned uart_trigger(const struct uart16550 *u)
{
	if (!(u->fcr & UART_FCR_FIFOE))
		return 1; /* no FIFO mode: every byte is "at the trigger level" */
	return uart_trigger_levels[(u->fcr & UART_FCR_RTRIG) >> 6];
}

/* The interrupt ID IIR would show now (UART_IIR_NO_INT if none). */
static uint8_t uart_iir_id(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_ELSI) && u->lsr_oe)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_ERBFI) && u->count > 0)
		return u->count >= uart_trigger(u) ? UART_IIR_RDI : UART_IIR_CTI;
	if ((u->ier & UART_IER_ETBEI) && u->thre_pending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

/* Drive the output line to match IIR; only changes are signalled. */
static void uart_update_irq(struct uart16550 *u)
{
	int level = uart_iir_id(u) != UART_IIR_NO_INT;
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set(&u->irq, level);
	}
}

static void uart_fifo_clear(struct uart16550 *u)
{
	u->head = 0;
	u->count = 0;
}

/* Append to the receive FIFO; -1 if full. */
static int uart_fifo_put(struct uart16550 *u, uint8_t byte)
{
	if (u->count == UART_FIFO_SIZE)
		return -1;
	u->fifo[(u->head + u->count) % UART_FIFO_SIZE] = byte;
	u->count++;
	return 0;
}

/* Take the oldest byte; an empty FIFO reads as 0 (as QEMU's does). */
static uint8_t uart_fifo_get(struct uart16550 *u)
{
	if (u->count == 0)
		return 0;
	uint8_t byte = u->fifo[u->head];
	u->head = (u->head + 1) % UART_FIFO_SIZE;
	u->count--;
	return byte;
}

void uart_init(struct uart16550 *u, const struct irq_line *irq, void (*tx)(void *ctx, uint8_t byte),
	       void *tx_ctx)
{
	memset(u, 0, sizeof(*u));
	if (irq)
		u->irq = *irq;
	u->tx = tx;
	u->tx_ctx = tx_ctx;
	/* Start from a known low line, whatever the controller assumed. */
	irq_set(&u->irq, 0);
}

int uart_rx_push(struct uart16550 *u, uint8_t byte)
{
	if (uart_fifo_put(u, byte) < 0)
		return -1;
	uart_update_irq(u);
	return 0;
}

int uart_rx_room(const struct uart16550 *u)
{
	return (int)(UART_FIFO_SIZE - u->count);
}

/* MSR: in loopback the four modem inputs are wired to the MCR outputs. */
static uint8_t uart_msr(const struct uart16550 *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	uint8_t msr = 0;
	if (u->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

static enum bus_status uart_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct uart16550 *u = dev;
	int dlab = (u->lcr & UART_LCR_DLAB) != 0;
	uint8_t v = 0;

	if (size != 1 || off >= UART_NREGS)
		return BUS_FAULT;
	switch (off) {
	case UART_RBR: v = dlab ? u->dll : uart_fifo_get(u); break;
	case UART_IER: v = dlab ? u->dlm : u->ier; break;
	case UART_IIR:
		v = uart_iir_id(u);
		/* Seeing a THR-empty interrupt in IIR acknowledges it. */
		if (v == UART_IIR_THRI)
			u->thre_pending = 0;
		if (u->fcr & UART_FCR_FIFOE)
			v |= UART_IIR_FIFOS;
		break;
	case UART_LCR: v = u->lcr; break;
	case UART_MCR: v = u->mcr; break;
	case UART_LSR:
		/* THR empties at once: THRE and TEMT are always 1. */
		v = UART_LSR_THRE | UART_LSR_TEMT;
		if (u->count > 0)
			v |= UART_LSR_DR;
		if (u->lsr_oe)
			v |= UART_LSR_OE;
		u->lsr_oe = 0; /* error bits clear when read */
		break;
	case UART_MSR: v = uart_msr(u); break;
	case UART_SCR: v = u->scr; break;
	}
	*val = v;
	uart_update_irq(u);
	return BUS_OK;
}

/* A byte written to THR: to the host, or back to us in loopback. */
static void uart_transmit(struct uart16550 *u, uint8_t byte)
{
	if (u->mcr & UART_MCR_LOOP) {
		if (uart_fifo_put(u, byte) < 0)
			u->lsr_oe = 1; /* the byte is lost: overrun */
	} else if (u->tx) {
		u->tx(u->tx_ctx, byte);
	}
	/* THR is empty again already: (re-)arm the THR-empty interrupt. */
	u->thre_pending = 1;
}

static enum bus_status uart_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct uart16550 *u = dev;
	int dlab = (u->lcr & UART_LCR_DLAB) != 0;
	uint8_t v = (uint8_t)val;

	if (size != 1 || off >= UART_NREGS)
		return BUS_FAULT;
	switch (off) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else
			uart_transmit(u, v);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
		} else {
			/* Enabling ETBEI while THR is empty (always) raises it. */
			if (!(u->ier & UART_IER_ETBEI) && (v & UART_IER_ETBEI))
				u->thre_pending = 1;
			u->ier = v & UART_IER_MASK;
		}
		break;
	case UART_FCR:
		/* Switching the FIFOs on or off empties them, as does RFIFOR. */
		if (((u->fcr ^ v) & UART_FCR_FIFOE) || (v & UART_FCR_RFIFOR))
			uart_fifo_clear(u);
		u->fcr = v & (UART_FCR_FIFOE | UART_FCR_DMAM | UART_FCR_RTRIG);
		break;
	case UART_LCR: u->lcr = v; break;
	case UART_MCR: u->mcr = v & UART_MCR_MASK; break;
	case UART_LSR: /* read-only (factory test writes): ignored */
	case UART_MSR: break;
	case UART_SCR: u->scr = v; break;
	}
	uart_update_irq(u);
	return BUS_OK;
}

const struct bus_ops uart_bus_ops = {
	.read = uart_read,
	.write = uart_write,
};

void uart_save(const struct uart16550 *u, struct sbuf *b)
{
	const uint8_t regs[] = {
		u->ier, u->lcr, u->mcr, u->scr, u->fcr, u->dll, u->dlm, u->lsr_oe
	};
	sbuf_put(b, regs, sizeof(regs));
	sbuf_put_u32(b, (uint32_t)u->thre_pending);
	sbuf_put(b, u->fifo, sizeof(u->fifo));
	sbuf_put_u32(b, u->head);
	sbuf_put_u32(b, u->count);
	sbuf_put_u32(b, (uint32_t)u->irq_level);
}

int uart_load(struct uart16550 *u, struct sbuf *b)
{
	uint8_t regs[8];
	sbuf_get(b, regs, sizeof(regs));
	u->ier = regs[0];
	u->lcr = regs[1];
	u->mcr = regs[2];
	u->scr = regs[3];
	u->fcr = regs[4];
	u->dll = regs[5];
	u->dlm = regs[6];
	u->lsr_oe = regs[7];
	u->thre_pending = (int)sbuf_get_u32(b);
	sbuf_get(b, u->fifo, sizeof(u->fifo));
	u->head = sbuf_get_u32(b);
	u->count = sbuf_get_u32(b);
	u->irq_level = (int)sbuf_get_u32(b);
	/* The line level is remembered, not re-driven: the interrupt
	 * controller's own state (plic_load) already holds it. */
	if (b->bad || u->head >= UART_FIFO_SIZE || u->count > UART_FIFO_SIZE ||
	    (u->irq_level != 0 && u->irq_level != 1))
		return -1;
	return 0;
}
