/*
 * gdb.h -- a GDB remote serial protocol stub over the command engine, so
 * `gdb-multiarch` debugs a TRV32 guest with `target remote :PORT`.
 */
#ifndef VIZ_GDB_H
#define VIZ_GDB_H

#include <stddef.h>

#include "viz/dbg.h"

/* Listen on 127.0.0.1:port, serve one GDB connection until it kills or
 * detaches (or the guest ends and GDB hangs up).  Returns the process
 * exit status (2 if the port cannot be opened). */
int gdb_serve(struct dbg *d, int port);

/* --- the protocol's pure parts (tested on their own) --- */

/* The checksum of a packet body: the sum of its bytes mod 256. */
unsigned gdb_checksum(const char *body, size_t len);
/* Parse "ADDR,LEN" (hex) at s; returns the rest (after LEN) or NULL. */
const char *gdb_parse_addr_len(const char *s, uint32_t *addr, uint32_t *len);
/* The target description gdb-multiarch asks for (riscv:rv32, x0..x31, pc). */
extern const char gdb_target_xml[];

#endif
