/*
 * uart16550.h -- an ns16550a UART, as QEMU's `virt` board has one.
 *
 * Eight 8-bit registers at offsets 0..7 (QEMU's reg-shift 0, io-width 1).
 * Two of the offsets hold different registers for reads and writes, and
 * LCR.DLAB swaps offsets 0 and 1 for the baud-rate divisor latch:
 *
 *   off  DLAB=0 read   DLAB=0 write  DLAB=1      what
 *   0    RBR           THR           DLL         receive / transmit a byte
 *   1    IER           IER           DLM         interrupt enable
 *   2    IIR           FCR           (as DLAB=0) interrupt id / FIFO control
 *   3    LCR           LCR                       line control (holds DLAB)
 *   4    MCR           MCR                       modem control
 *   5    LSR           (ignored)                 line status
 *   6    MSR           (ignored)                 modem status
 *   7    SCR           SCR                       scratch byte
 *
 * What the model leaves out, and why:
 *   - No baud timing.  A byte written to THR goes to the host at once, so
 *     THR is always empty again (LSR.THRE = LSR.TEMT = 1).  DLL/DLM and the
 *     framing bits of LCR are stored and read back but change nothing.
 *   - The host feeds received bytes with uart_rx_push() into a 16-byte FIFO
 *     and waits while it is full, so a guest never loses input: no overrun
 *     from the host, no parity/framing/break errors.  The FIFO buffers even
 *     while FCR.FIFOE is 0 (a real 16450 mode would hold one byte).
 *   - With FCR.FIFOE = 1 the data interrupt is "received data available"
 *     (IIR 0x04) once the FIFO reaches the trigger level, and "character
 *     timeout" (IIR 0x0C) below it: there are no character times to wait,
 *     so the timeout has always expired.  Drivers treat both alike.
 *   - MCR.OUT2 does not gate the interrupt line (it does on a PC, not on
 *     QEMU's virt board).  MCR.LOOP is modelled: transmitted bytes come
 *     back into the receive FIFO instead of going to the host, and MSR
 *     shows the MCR outputs (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2); outside
 *     loopback MSR reads CTS, DSR and DCD asserted.  The MSR delta bits are
 *     never set, so there is no modem-status interrupt.
 *
 * Accesses must be one byte wide at offsets 0..7; any other size or offset
 * is refused with BUS_FAULT (the guest sees an access fault).
 */
#ifndef DEVICES_UART16550_H
#define DEVICES_UART16550_H

#include <stdint.h>

#include "devices/bus.h"

#define UART_FIFO_SIZE 16 /* bytes in the receive FIFO */

/* Register offsets. */
#define UART_RBR   0 /* receiver buffer (read, DLAB=0) */
#define UART_THR   0 /* transmitter holding (write, DLAB=0) */
#define UART_DLL   0 /* divisor latch low (DLAB=1) */
#define UART_IER   1 /* interrupt enable (DLAB=0) */
#define UART_DLM   1 /* divisor latch high (DLAB=1) */
#define UART_IIR   2 /* interrupt identification (read) */
#define UART_FCR   2 /* FIFO control (write) */
#define UART_LCR   3 /* line control */
#define UART_MCR   4 /* modem control */
#define UART_LSR   5 /* line status */
#define UART_MSR   6 /* modem status */
#define UART_SCR   7 /* scratch */
#define UART_NREGS 8

/*
 * IER:  7   4   3       2      1       0
 *      +-----+-------+------+-------+-------+
 *      |  0  | EDSSI | ELSI | ETBEI | ERBFI |
 *      +-----+-------+------+-------+-------+
 */
#define UART_IER_ERBFI 0x01 /* enable received data available interrupt */
#define UART_IER_ETBEI 0x02 /* enable transmitter holding register empty interrupt */
#define UART_IER_ELSI  0x04 /* enable receiver line status interrupt */
#define UART_IER_EDSSI 0x08 /* enable modem status interrupt */
#define UART_IER_MASK  0x0f /* bits 7..4 read as 0 */

/*
 * IIR:  7    6   5  4   3    2    1    0
 *      +--------+-----+------------+------+
 *      | FIFOs  |  0  | interrupt  |  NO  |
 *      | enabled|     | ID (3 bits)| _INT |
 *      +--------+-----+------------+------+
 * IIR & 0x0f, highest priority first:
 */
#define UART_IIR_NO_INT 0x01 /* no interrupt pending */
#define UART_IIR_RLSI	0x06 /* receiver line status (overrun in loopback) */
#define UART_IIR_RDI	0x04 /* received data available (FIFO at trigger level) */
#define UART_IIR_CTI	0x0c /* character timeout (data below trigger level) */
#define UART_IIR_THRI	0x02 /* transmitter holding register empty */
#define UART_IIR_MSI	0x00 /* modem status */
#define UART_IIR_FIFOS	0xc0 /* both bits set while FCR.FIFOE = 1 */

/* FCR (write only). */
#define UART_FCR_FIFOE	0x01 /* enable FIFOs */
#define UART_FCR_RFIFOR 0x02 /* reset (empty) the receive FIFO; self-clearing */
#define UART_FCR_XFIFOR 0x04 /* reset the transmit FIFO; self-clearing */
#define UART_FCR_DMAM	0x08 /* DMA mode select (no effect) */
#define UART_FCR_RTRIG	0xc0 /* receive trigger level: 1, 4, 8, 14 bytes */

/* LCR. */
#define UART_LCR_WLS  0x03 /* word length select (5..8 bits) */
#define UART_LCR_STB  0x04 /* number of stop bits */
#define UART_LCR_PEN  0x08 /* parity enable */
#define UART_LCR_EPS  0x10 /* even parity select */
#define UART_LCR_SP   0x20 /* stick parity */
#define UART_LCR_BC   0x40 /* break control */
#define UART_LCR_DLAB 0x80 /* divisor latch access bit */

/* MCR. */
#define UART_MCR_DTR  0x01 /* data terminal ready */
#define UART_MCR_RTS  0x02 /* request to send */
#define UART_MCR_OUT1 0x04 /* user output 1 */
#define UART_MCR_OUT2 0x08 /* user output 2 (a PC's interrupt gate; not here) */
#define UART_MCR_LOOP 0x10 /* loopback */
#define UART_MCR_MASK 0x1f /* bits 7..5 read as 0 */

/* LSR. */
#define UART_LSR_DR   0x01 /* data ready: the receive FIFO is not empty */
#define UART_LSR_OE   0x02 /* overrun error (loopback only); cleared by reading LSR */
#define UART_LSR_PE   0x04 /* parity error (never) */
#define UART_LSR_FE   0x08 /* framing error (never) */
#define UART_LSR_BI   0x10 /* break interrupt (never) */
#define UART_LSR_THRE 0x20 /* transmitter holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */
#define UART_LSR_RXFE 0x80 /* error in receiver FIFO (never) */

/* MSR. */
#define UART_MSR_DCTS 0x01 /* delta clear to send */
#define UART_MSR_DDSR 0x02 /* delta data set ready */
#define UART_MSR_TERI 0x04 /* trailing edge ring indicator */
#define UART_MSR_DDCD 0x08 /* delta data carrier detect */
#define UART_MSR_CTS  0x10 /* clear to send */
#define UART_MSR_DSR  0x20 /* data set ready */
#define UART_MSR_RI   0x40 /* ring indicator */
#define UART_MSR_DCD  0x80 /* data carrier detect */

/* One UART.  Public so a board embeds it (no malloc); only uart16550.c
 * touches the fields. */
struct uart16550 {
	uint8_t ier, lcr, mcr, scr, fcr;     /* registers as last written (masked) */
	uint8_t dll, dlm;		     /* divisor latch: stored, no effect */
	uint8_t lsr_oe;			     /* sticky LSR.OE, loopback overrun */
	int thre_pending;		     /* THRE interrupt armed (see uart16550.c) */
	uint8_t fifo[UART_FIFO_SIZE];	     /* receive FIFO, a ring */
	unsigned head, count;		     /* oldest byte, bytes held */
	struct irq_line irq;		     /* our line to the interrupt controller */
	int irq_level;			     /* level last driven on `irq` */
	void (*tx)(void *ctx, uint8_t byte); /* host side of THR, may be NULL */
	void *tx_ctx;
};

/* Reset `u` to the power-on state (all interrupts disabled, FIFO empty,
 * line low) and connect it: `irq` (copied; NULL = unconnected) is the
 * interrupt line, `tx(tx_ctx, byte)` receives each transmitted byte
 * (NULL = discard).  Drives the line low once. */
void uart_init(struct uart16550 *u, const struct irq_line *irq, void (*tx)(void *ctx, uint8_t byte),
	       void *tx_ctx);

/* The host received `byte` for the guest: append it to the receive FIFO
 * and update the interrupt line.  Returns 0, or -1 if the FIFO is full (the
 * byte is not taken; offer it again later). */
int uart_rx_push(struct uart16550 *u, uint8_t byte);

/* How many more bytes uart_rx_push() would accept now (0..UART_FIFO_SIZE). */
int uart_rx_room(const struct uart16550 *u);

/* Snapshots (core/state.c): write the UART's registers, receive FIFO
 * and line level to `b`; read them back into `u` (already uart_init'ed:
 * its wiring stays).  uart_load: 0, or -1 if the bytes are short or
 * impossible (a FIFO index past its size) -- `u` may then be half
 * written, so load into a fresh device only. */
struct sbuf;
void uart_save(const struct uart16550 *u, struct sbuf *b);
int uart_load(struct uart16550 *u, struct sbuf *b);

/* Bus callbacks; the region's dev pointer is the struct uart16550. */
extern const struct bus_ops uart_bus_ops;

#endif
