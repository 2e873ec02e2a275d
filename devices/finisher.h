/*
 * finisher.h -- the `sifive,test0` test finisher of QEMU's virt board: the
 * way a guest ends the run with an exit status.
 *
 * One 32-bit register at offset 0 (write only; reads return 0):
 *
 *   31                    16 15                     0
 *  +------------------------+------------------------+
 *  |  code (FINISHER_FAIL)  |  command               |
 *  +------------------------+------------------------+
 *
 *   command FINISHER_PASS  (0x5555)  exit status 0
 *   command FINISHER_FAIL  (0x3333)  exit status `code` (0..65535; the
 *                                    caller decides how a process exit
 *                                    status, 8 bits, shows it)
 *   command FINISHER_RESET (0x7777)  reset: trapvisor has no reset, so it
 *                                    ends the run with status 0
 *   anything else                    ignored
 *
 * Only 32-bit writes at offset 0 act; other writes of 4 bytes inside the
 * page are ignored, and writes of any other size fault (BUS_FAULT).
 * Reads of any size and offset return 0.
 */
#ifndef DEVICES_FINISHER_H
#define DEVICES_FINISHER_H

#include "devices/bus.h"
#include "isa-toy/board.h"

#define FINISHER_CMD_MASK   0xffffu /* the command half of the register */
#define FINISHER_CODE_SHIFT 16	    /* where the FAIL exit code sits */

struct finisher {
	void (*on_exit)(void *ctx, int code); /* called once per finishing write */
	void *ctx;
};

/* Connect `f`: `on_exit(ctx, code)` is called when the guest finishes.  It
 * typically stops the CPU loop; the finisher itself keeps no state. */
void finisher_init(struct finisher *f, void (*on_exit)(void *ctx, int code), void *ctx);

/* Bus callbacks; the region's dev pointer is the struct finisher. */
extern const struct bus_ops finisher_bus_ops;

#endif
