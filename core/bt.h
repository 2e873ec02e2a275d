/*
 * bt.h -- binary translation (--mode=bt), the first software answer to
 * the PUSHF/POPF problem, as VMware did for x86: before guest-kernel code
 * first runs, find the sensitive instructions that would *not* trap and
 * rewrite each into one that does.
 *
 * On the --isa=legacy machine those are the plain reads (csrr: PUSHF) and
 * plain writes (csrw: POPF) of sstatus.  Each becomes BT_MARKER, an
 * illegal instruction: it traps, and the monitor emulates the original
 * instruction it stands for.  The rewritten copy lives in a frame of the
 * monitor's; the guest's own page keeps its bytes, and shadowpt/ makes
 * the copy execute-only, so a guest reading its own code sees the
 * original (shadow.c, "binary translation").
 */
#ifndef CORE_BT_H
#define CORE_BT_H

#include <stdbool.h>
#include <stdint.h>

#define BT_MARKER 0x0000000bu /* custom-0 opcode: illegal on TRV32 */

struct vm;

/* Is `w` sensitive but not trapping on the legacy machine? */
bool bt_sensitive(uint32_t w);

/* The translator (an spt_bt_rewrite_fn): rewrite a copy of a code page. */
unsigned bt_rewrite(void *ctx, uint32_t *words, uint32_t gpage);

/* The original instruction word at guest pc (read through the guest's
 * own translation, from the guest's own page).  0 on success. */
int bt_original(struct vm *vm, uint32_t pc, uint32_t *w);

#endif
