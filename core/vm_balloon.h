/*
 * vm_balloon.h -- what the monitor will ask of a VM's memory balloon
 * (core/reclaim.c): a few requests, each a target and a moment.
 */
#ifndef CORE_VM_BALLOON_H
#define CORE_VM_BALLOON_H

#include <stdint.h>

#define VM_BALLOON_REQUESTS 4 /* --balloon given at most this often per VM */

/* "Balloon, hold `bytes` of the guest's RAM", sent between the time
 * slices once the VM has retired `at` instructions. */
struct vm_balloon_request {
	uint64_t bytes;
	uint64_t at;
};

#endif
