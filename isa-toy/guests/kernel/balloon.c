/*
 * balloon.c -- the memory balloon driver (balloon.h).
 *
 * The monitor cannot see which of our pages are free; we can.  When it
 * asks (a config interrupt: "num_pages" changed), we *allocate* that many
 * pages from our own allocator -- so nothing else in this kernel will use
 * them -- and send their page numbers on the inflate queue.  The monitor
 * drops them.  When it asks for less, we send page numbers on the deflate
 * queue and free the pages again; their contents are gone (they read as
 * zeros), which is fine: a free page has no contents worth keeping.
 *
 *   inflateq (0), deflateq (1): one buffer each time, an array of up to
 *   1024 le32 page numbers (physical address >> 12) in a page of ours
 *
 * The monitor serves a queue inside the notify itself (the MMIO write
 * traps, or exits, and the device runs before we are resumed), so the
 * buffer is back in the used ring when the store to QueueNotify retires:
 * no interrupt is needed for it, and the work can be done right here in
 * the interrupt handler.
 *
 * The pages we hold are remembered in "index pages", chained, each with
 * up to BAL_PER_INDEX page numbers: never in the ballooned pages
 * themselves, which are no longer ours to write.
 */
#include "kernel/balloon.h"
#include "kernel/intr.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/plic.h"
#include "kernel/virtio.h"

#define BAL_INFLATEQ  0
#define BAL_DEFLATEQ  1
#define BAL_NUM_PAGES (VIO_CONFIG + 0) /* the device's target */
#define BAL_ACTUAL    (VIO_CONFIG + 4) /* what we hold: ours to write */
#define BAL_BATCH     (PAGE_SIZE / 4)  /* page numbers per message */
#define BAL_RESERVE   256	       /* free pages we always keep (1 MiB) */

struct bal_index {
	struct bal_index *next;
	uint32_t n;
	uint32_t pfn[PAGE_SIZE / 4 - 2];
};
#define BAL_PER_INDEX (PAGE_SIZE / 4 - 2)

static struct {
	volatile uint32_t *regs; /* NULL: no balloon */
	uint32_t irq;
	struct vq inflate, deflate;
	uint32_t *msg;		 /* the page of page numbers we send */
	struct bal_index *index; /* pages we hold, newest index first */
	uint32_t held, target;
	uint32_t requests; /* targets read: at start-up and per config interrupt */
	bool stuck;	   /* the device stopped answering: leave it alone */
} bal;

/* Send `n` page numbers from bal.msg on queue `q`, and see them used. */
static bool bal_send(struct vq *vq, uint32_t q, uint32_t n)
{
	vq->desc[0] = (struct vq_desc){ (uint32_t)bal.msg, n * 4, 0, 0 };
	vio_post(vq, 0);
	vio_write(bal.regs, VIO_QUEUE_NOTIFY, q);
	__sync_synchronize();
	if (vq->used->idx == vq->used_seen) {
		kprintf("balloon: the device did not take the pages; giving up\n");
		bal.stuck = true;
		return false;
	}
	vq->used_seen = vq->used->idx;
	return true;
}

/* Take up to `want` pages from the free list (always leaving
 * BAL_RESERVE) and give them to the monitor; how many went. */
static uint32_t bal_inflate(uint32_t want)
{
	uint32_t n = 0;
	while (n < want && n < BAL_BATCH && kalloc_free_pages() > BAL_RESERVE) {
		if (!bal.index || bal.index->n == BAL_PER_INDEX) {
			struct bal_index *ix = kalloc();
			if (!ix)
				break;
			ix->next = bal.index;
			ix->n = 0;
			bal.index = ix;
		}
		/* Not cleared: it is about to stop being ours, and clearing
		 * would touch every byte (under --mem-limit, even read it
		 * back from swap) only to give it away. */
		void *page = kalloc_dirty();
		if (!page)
			break;
		bal.msg[n++] = (uint32_t)page >> 12;
		bal.index->pfn[bal.index->n++] = (uint32_t)page >> 12;
	}
	if (n && !bal_send(&bal.inflate, BAL_INFLATEQ, n))
		return 0;
	bal.held += n;
	return n;
}

/* Tell the monitor we take back up to `want` pages, then free them. */
static uint32_t bal_deflate(uint32_t want)
{
	uint32_t n = 0;
	while (n < want && n < BAL_BATCH && bal.index) {
		struct bal_index *ix = bal.index;
		bal.msg[n++] = ix->pfn[--ix->n];
		if (!ix->n) {
			bal.index = ix->next;
			kfree(ix);
		}
	}
	/* Tell first, use after: a monitor that wanted to be told would
	 * otherwise see us write a page it still counts as its own. */
	if (n && !bal_send(&bal.deflate, BAL_DEFLATEQ, n))
		return 0;
	for (uint32_t i = 0; i < n; i++)
		kfree((void *)(bal.msg[i] << 12));
	bal.held -= n;
	return n;
}

/* Move toward the target until there or stuck; then tell the device how
 * many pages we hold. */
static void bal_adjust(void)
{
	if (!bal.regs || bal.stuck)
		return;
	uint32_t before = bal.held;
	bal.target = vio_read(bal.regs, BAL_NUM_PAGES);
	bal.requests++;
	while (bal.held < bal.target && bal_inflate(bal.target - bal.held))
		;
	while (bal.held > bal.target && bal_deflate(bal.held - bal.target))
		;
	vio_write(bal.regs, BAL_ACTUAL, bal.held);
	if (bal.held != before)
		kprintf("balloon: %s %u pages; %u in the balloon (asked: %u), %u free\n",
			bal.held > before ? "gave the monitor" : "took back",
			bal.held > before ? bal.held - before : before - bal.held, bal.held,
			bal.target, kalloc_free_pages());
}

void balloon_init(const struct fdt_info *fdt)
{
	uint32_t irq;
	volatile uint32_t *regs = vio_find(fdt, VIO_ID_BALLOON, &irq);
	if (!regs)
		return;
	if (!vio_begin(regs, 0) || !vio_queue(regs, BAL_INFLATEQ, &bal.inflate) ||
	    !vio_queue(regs, BAL_DEFLATEQ, &bal.deflate)) {
		kprintf("balloon: the device refused our setup\n");
		return;
	}
	bal.msg = kalloc();
	if (!bal.msg)
		panic("balloon: no memory for its message page");
	/* Buffers come back inside the notify: no interrupt wanted for them. */
	bal.inflate.avail->flags = VQ_AVAIL_NO_INTR;
	bal.deflate.avail->flags = VQ_AVAIL_NO_INTR;
	vio_live(regs, 0);
	bal.regs = regs;
	bal.irq = irq;
	plic_enable(irq);
	uint32_t s = intr_save();
	bal_adjust(); /* the monitor may have asked before we were here */
	intr_restore(s);
}

bool balloon_intr(uint32_t irq)
{
	if (!bal.regs || irq != bal.irq)
		return false;
	uint32_t isr = vio_read(bal.regs, VIO_INT_STATUS);
	vio_write(bal.regs, VIO_INT_ACK, isr);
	__sync_synchronize();
	if (isr & VIO_ISR_CONFIG) /* a new target; a used buffer needs nothing */
		bal_adjust();
	return true;
}

bool balloon_present(void)
{
	return bal.regs != NULL;
}

uint32_t balloon_pages(void)
{
	return bal.held;
}

uint32_t balloon_target(void)
{
	return bal.target;
}

uint32_t balloon_requests(void)
{
	return bal.requests;
}
