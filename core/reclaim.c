/*
 * reclaim.c -- the monitor's side of the memory balloon
 * (devices/virtio_balloon.h): taking memory back from a VM with the
 * guest's help.
 *
 * A monitor short of memory has two ways to take a page from a VM:
 *
 *   swap (--mem-limit, shadowpt/p2r.c)   balloon (here)
 *   ------------------------------------ -----------------------------------
 *   the monitor picks the page, blind:    the guest picks it: a page its own
 *   it cannot see which pages the guest   allocator had free, so nothing in
 *   still needs                           it matters
 *   its 4 KiB are written to a swap file  nothing is written: the page is
 *   and read back on the next touch       dropped, and reads as zeros if the
 *                                         guest ever takes it back
 *   works on any guest                    needs a driver in the guest
 *
 * A guest that swaps on its own makes the blind choice worse (the
 * double-paging problem): the guest may pick for *its* swap the very
 * page the monitor swapped out, so the monitor reads it back only for
 * the guest to write it out again.  The balloon avoids all of it by
 * letting the guest's own allocator decide, with what only it knows.
 *
 * The pages the balloon frees count no longer against the run's
 * --mem-limit, so another VM of the same run can keep that many more
 * pages resident: the frames go to whoever needs them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "core/vm.h"

/* The guest gave up the page at `gpa`: unmap it, drop its contents. */
static bool vm_balloon_give(void *ctx, uint64_t gpa)
{
	struct vm *vm = ctx;
	uint32_t g;
	if ((gpa & 0xfff) || !spt_p2r_page(&vm->p2r, gpa, &g))
		return false;
	if (vm->balloon.in[g])
		return true; /* given twice: nothing more to drop */
	/* Unmap first: from here no access reaches the page without a
	 * shadow miss (or a second-stage exit) through spt_p2r_touch. */
	vm_unmap_gpage(vm, g);
	spt_p2r_drop(&vm->p2r, &vm->mon->frames, g);
	/* Its contents changed (to zeros) behind the guest's back: if it
	 * held a page table or code, the shadows and decoded copies made
	 * from it must go, as after any write. */
	spt_pt_written(&vm->spt, gpa, SPT_PAGE);
	vm->balloon.in[g] = 1;
	vm->balloon.pages++;
	vm->balloon.dropped++;
	return true;
}

/* The guest takes the page back.  Nothing to do now: its first touch
 * finds it unmapped and maps it again, a zero page (the contents of a
 * ballooned page are gone, and the guest knows it). */
static bool vm_balloon_take(void *ctx, uint64_t gpa)
{
	struct vm *vm = ctx;
	uint32_t g;
	if ((gpa & 0xfff) || !spt_p2r_page(&vm->p2r, gpa, &g) || !vm->balloon.in[g])
		return false;
	vm->balloon.in[g] = 0;
	vm->balloon.pages--;
	vm->balloon.returned++;
	return true;
}

int vm_add_balloon(struct vm *vm, const struct vm_balloon_request *req, int n)
{
	const struct virtio_balloon_host host = { vm_balloon_give, vm_balloon_take, vm };
	vm->balloon.in = calloc(vm->p2r.npages, 1);
	if (!vm->balloon.in) {
		fprintf(stderr, "trapvisor: out of memory for the balloon's page map\n");
		return -1;
	}
	memcpy(vm->balloon.req, req, (size_t)n * sizeof(*req));
	vm->balloon.nreq = n;
	if (platform_add_balloon(&vm->plat, &host))
		return -1;
	vm_balloon_poll(vm); /* at 0: the target is there when the driver looks */
	return 0;
}

void vm_balloon_poll(struct vm *vm)
{
	while (vm->balloon.in && vm->balloon.sent < vm->balloon.nreq &&
	       vm_csr(vm)->instret >= vm->balloon.req[vm->balloon.sent].at) {
		const struct vm_balloon_request *r = &vm->balloon.req[vm->balloon.sent++];
		virtio_balloon_set_target(&vm->plat.vballoon, (uint32_t)(r->bytes / SPT_PAGE));
	}
}
