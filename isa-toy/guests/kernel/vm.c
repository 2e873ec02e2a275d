/*
 * vm.c -- building and changing Sv32 page tables.  See vm.h for the
 * layout and the PTE format.
 */
#include "kernel/kalloc.h"
#include "kernel/pv.h"
#include "kernel/riscv.h"
#include "kernel/vm.h"

static pte_t *vm_kroot;

#ifdef PARAVIRT
/*
 * Page-table writes, paravirtualized.  Under a monitor with shadow page
 * tables, every store to a page table the shadow derives from traps (the
 * monitor must see it), and so does every sfence.vma.  A PARAVIRT kernel
 * instead queues its writes and flushes here and hands the whole queue to
 * the monitor in one hypercall (PV_FN_MMU_UPDATE, Xen's mmu_update): one
 * trap for a batch.  Entries are {ptr, val} pairs (pv_abi.h); a PTE's
 * address is its guest-physical one because RAM is mapped virtual =
 * physical and page tables live in RAM.
 *
 * A queue brings two duties:
 *  - our own reads must see our queued writes: vm_pte_read() submits the
 *    queue first if it holds a write to the entry being read (vm_walk
 *    does this for both levels, so its callers may read *pte directly);
 *  - the hardware's reads too: the queue is submitted before a switch of
 *    address space (vm_switch), by vm_flush_page(), and before any return
 *    to user mode (vm_sync() in trap_return_to_user).
 * Hazard: vm_unmap frees the page's frame while its PTE clear is still
 * queued.  That is safe only because nothing can use the stale mapping
 * before the queue goes out: one hart, and user code runs only after
 * vm_sync().
 */
#define VM_BATCH PV_MMU_MAX
static uint32_t vm_batch[VM_BATCH][2];
static uint32_t vm_batch_len;

void vm_sync(void)
{
	if (!vm_batch_len)
		return;
	struct sbi_ret r = pv_call(PV_FN_MMU_UPDATE, (uint32_t)vm_batch, vm_batch_len);
	if (r.error)
		panic("vm: mmu_update failed (error %d) after %d of %u entries", (int)r.error,
		      (int)r.value, vm_batch_len);
	vm_batch_len = 0;
}

static void vm_queue(uint32_t ptr, uint32_t val)
{
	if (vm_batch_len == VM_BATCH)
		vm_sync();
	vm_batch[vm_batch_len][0] = ptr;
	vm_batch[vm_batch_len][1] = val;
	vm_batch_len++;
}

/* vm_pte_set: *pte = val, by the monitor, later. */
static void vm_pte_set(pte_t *pte, pte_t val)
{
	vm_queue((uint32_t)pte | PV_MMU_PT_UPDATE, val);
}

/* vm_pte_read: *pte, including a write still in the queue. */
static pte_t vm_pte_read(pte_t *pte)
{
	for (uint32_t i = 0; i < vm_batch_len; i++)
		if (vm_batch[i][0] == ((uint32_t)pte | PV_MMU_PT_UPDATE)) {
			vm_sync();
			break;
		}
	return *pte;
}
#else
/* The strict kernel writes and reads its page tables directly; a monitor
 * traps the writes it needs to see. */
static inline void vm_pte_set(pte_t *pte, pte_t val)
{
	*pte = val;
}

static inline pte_t vm_pte_read(pte_t *pte)
{
	return *pte;
}
#endif

#ifdef PARAVIRT
/* The PV versions: every PTE access goes through the queue. */
pte_t *vm_walk(pte_t *root, uint32_t va, bool alloc)
{
	pte_t *pde = &root[VM_VPN1(va)];
	pte_t e = vm_pte_read(pde);

	if (!(e & PTE_V)) {
		if (!alloc)
			return NULL;
		pte_t *table = kalloc();
		if (!table)
			return NULL;
		/* A non-leaf entry: V set, R=W=X=0, pointing at the table. */
		e = PTE_MAKE(table, PTE_V);
		vm_pte_set(pde, e);
	}
	if (e & (PTE_R | PTE_W | PTE_X))
		return NULL; /* a megapage: no second level */
	pte_t *table = (pte_t *)PTE_PA(e);
	/* Callers read the leaf through the pointer: make it current. */
	(void)vm_pte_read(&table[VM_VPN0(va)]);
	return &table[VM_VPN0(va)];
}

int vm_map(pte_t *root, uint32_t va, uint32_t pa, uint32_t flags)
{
	pte_t *pte = vm_walk(root, va, true);
	if (!pte || (vm_pte_read(pte) & PTE_V))
		return -1;
	vm_pte_set(pte, PTE_MAKE(pa, flags | PTE_V));
	return 0;
}

void vm_unmap(pte_t *root, uint32_t va)
{
	pte_t *pte = vm_walk(root, va, false);
	pte_t e = pte ? vm_pte_read(pte) : 0;
	if (!(e & PTE_V))
		return;
	kfree((void *)PTE_PA(e));
	vm_pte_set(pte, 0);
	/* The TLB may still hold the old translation: drop it before the
	 * frame can be handed to someone else and reached through it. */
	vm_queue(PV_MMU_FLUSH_VA, va); /* with the write, in the same batch */
}
#else
/* The strict versions, as they always were (direct PTE accesses). */
pte_t *vm_walk(pte_t *root, uint32_t va, bool alloc)
{
	pte_t *pde = &root[VM_VPN1(va)];

	if (!(*pde & PTE_V)) {
		if (!alloc)
			return NULL;
		pte_t *table = kalloc();
		if (!table)
			return NULL;
		/* A non-leaf entry: V set, R=W=X=0, pointing at the table. */
		*pde = PTE_MAKE(table, PTE_V);
	}
	if (*pde & (PTE_R | PTE_W | PTE_X))
		return NULL; /* a megapage: no second level */
	pte_t *table = (pte_t *)PTE_PA(*pde);
	return &table[VM_VPN0(va)];
}

int vm_map(pte_t *root, uint32_t va, uint32_t pa, uint32_t flags)
{
	pte_t *pte = vm_walk(root, va, true);
	if (!pte || (*pte & PTE_V))
		return -1;
	*pte = PTE_MAKE(pa, flags | PTE_V);
	return 0;
}

void vm_unmap(pte_t *root, uint32_t va)
{
	pte_t *pte = vm_walk(root, va, false);
	if (!pte || !(*pte & PTE_V))
		return;
	kfree((void *)PTE_PA(*pte));
	*pte = 0;
	/* The TLB may still hold the old translation: drop it before the
	 * frame can be handed to someone else and reached through it. */
	vm_flush_page(va);
}
#endif

void vm_pte_write(pte_t *pte, pte_t val)
{
	vm_pte_set(pte, val);
}

/* vm_kmap_range: map [va, va+size) -> [pa, ...) in the kernel table. */
static void vm_kmap_range(uint32_t va, uint32_t pa, uint32_t size, uint32_t flags)
{
	for (uint32_t off = 0; off < size; off += PAGE_SIZE)
		if (vm_map(vm_kroot, va + off, pa + off, flags | PTE_G | PTE_A | PTE_D) < 0)
			panic("vm: cannot map kernel page %p", (void *)(va + off));
}

void vm_kernel_map_mmio(uint32_t va, uint32_t pa)
{
	vm_kmap_range(va, pa, PAGE_SIZE, PTE_R | PTE_W);
}

void vm_kernel_init(uint32_t ram_base, uint32_t ram_end, uint32_t uart_pa, uint32_t plic_pa,
		    int nkstacks)
{
	uint32_t text_end = PAGE_ROUND_UP((uint32_t)kernel_text_end);

	vm_kroot = kalloc();
	if (!vm_kroot)
		panic("vm: no memory for the kernel page table");
	/* The kernel's code: readable and executable, never writable. */
	vm_kmap_range(ram_base, ram_base, text_end - ram_base, PTE_R | PTE_X);
	/* Everything else in RAM: data, page tables, user frames. */
	vm_kmap_range(text_end, text_end, ram_end - text_end, PTE_R | PTE_W);
	/* Devices, at fixed windows high up (see vm.h). */
	vm_kmap_range(VM_UART, uart_pa, PAGE_SIZE, PTE_R | PTE_W);
	vm_pte_set(&vm_kroot[VM_VPN1(VM_PLIC)],
		   PTE_MAKE(plic_pa, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D));
	/* Kernel stacks, each with an unmapped guard page below it: running
	 * off the bottom of a stack faults instead of corrupting memory. */
	for (int i = 0; i < nkstacks; i++)
		for (int pg = 0; pg < VM_KSTACK_PAGES; pg++) {
			void *frame = kalloc();
			if (!frame)
				panic("vm: no memory for kernel stacks");
			vm_kmap_range(VM_KSTACK(i) + pg * PAGE_SIZE, (uint32_t)frame, PAGE_SIZE,
				      PTE_R | PTE_W);
		}
}

pte_t *vm_kernel_root(void)
{
	return vm_kroot;
}

void vm_switch(pte_t *root)
{
	/* Writing satp changes the address space; the sfence.vma after it
	 * makes sure no translation of the old space is used any more. */
#ifdef PARAVIRT
	vm_sync(); /* the tables as we wrote them, before they go live */
	pv_call(PV_FN_SET_SATP, SATP_MAKE(root), 0); /* satp + sfence.vma */
#else
	csr_write(satp, SATP_MAKE(root));
	__asm__ volatile("sfence.vma zero, zero" : : : "memory");
#endif
}

void vm_flush_page(uint32_t va)
{
#ifdef PARAVIRT
	vm_queue(PV_MMU_FLUSH_VA, va);
	vm_sync(); /* our callers want the change visible now */
#else
	__asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
#endif
}

pte_t *vm_user_create(void)
{
	pte_t *root = kalloc();
	if (!root)
		return NULL;
	/* Plain stores, also with PARAVIRT: no satp points at this page yet,
	 * so it is not a page table to anyone (if the monitor still watches
	 * the frame from an earlier life, it takes one trap and lets go). */
	vm_sync(); /* and vm_kroot's entries as they are meant to be */
	/* Share the kernel half: copy the root entries, so both tables point
	 * at the same second-level tables (built once, at boot). */
	for (uint32_t i = VM_VPN1(VM_KERNEL_BASE); i < 1024; i++)
		root[i] = vm_kroot[i];
	return root;
}

void vm_user_free(pte_t *root)
{
	vm_sync(); /* we read the tables below */
	for (uint32_t i = 0; i < VM_VPN1(VM_KERNEL_BASE); i++) {
		if (!(root[i] & PTE_V))
			continue;
		pte_t *table = (pte_t *)PTE_PA(root[i]);
		for (uint32_t j = 0; j < 1024; j++)
			if (table[j] & PTE_V)
				kfree((void *)PTE_PA(table[j]));
		kfree(table);
	}
	kfree(root);
}
