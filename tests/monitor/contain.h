/* contain.h -- the resource-control check of hostile_test.c, shared with
 * the targeted hostile guests (targeted_test.c). */
#ifndef TESTS_MONITOR_CONTAIN_H
#define TESTS_MONITOR_CONTAIN_H

#include <stdint.h>

#include "core/monitor.h"

/* Build a monitor with two 1 MiB VMs -- the hostile one running `elf`
 * (with `bootargs`, may be NULL), and a victim that never runs -- and
 * some canary frames taken from the pool; run it for `budget`
 * instructions; then assert that the victim's memory and the canaries
 * are unchanged and that every shadow (and second-stage) entry of the
 * hostile VM maps one of its own frames.  seed >= 0 first fills the
 * hostile VM's memory and registers with a seeded random stream (the
 * random campaign); seed < 0 runs the ELF as built.  --mode=bt runs on
 * the --isa=legacy machine. */
void hostile_contain(const char *elf, const char *bootargs, int64_t seed, enum mon_kind kind,
		     enum mon_paging paging, uint64_t budget);

#endif
