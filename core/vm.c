/*
 * vm.c -- creating a VM: machine frames for its guest-physical memory
 * (scattered on purpose), its own devices on its own bus, the guest
 * loaded through P -> R, the vCPU reset.  And the VM's side of the
 * platform: guest memory, the virtual timer, the virtual PLIC line.
 */
#include "core/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bt.h"
#include "core/monitor.h"
#include "core/vt.h"
#include "isa-toy/board.h"

int vm_read_phys(struct vm *vm, uint64_t gpa, void *buf, uint32_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint32_t n = SPT_PAGE - (uint32_t)(gpa & 0xfff);
		if (n > len)
			n = len;
		uint8_t *p = spt_p2r_ptr(&vm->p2r, &vm->mon->frames, gpa, n);
		if (!p)
			return -1;
		memcpy(out, p, n);
		out += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int vm_write_phys(struct vm *vm, uint64_t gpa, const void *buf, uint32_t len)
{
	const uint8_t *in = buf;
	while (len) {
		uint32_t n = SPT_PAGE - (uint32_t)(gpa & 0xfff);
		if (n > len)
			n = len;
		uint8_t *p = spt_p2r_ptr(&vm->p2r, &vm->mon->frames, gpa, n);
		if (!p)
			return -1;
		memcpy(p, in, n);
		/* The page may be a protected page table, or hold code. */
		spt_pt_written(&vm->spt, gpa, n);
		in += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int vm_guest_rw(struct vm *vm, uint32_t gsatp, enum cpu_priv priv, uint32_t sstatus, uint32_t va,
		unsigned size, bool write, uint32_t *val)
{
	unsigned chunk = (va & (size - 1)) ? 1 : size;
	uint32_t v = write ? *val : 0;
	uint64_t gpa;
	/* A misaligned store checks every byte's translation before it
	 * writes any, as the hardware does: a fault on its second page must
	 * leave the first untouched. */
	for (unsigned done = 0; write && chunk == 1 && done < size; done++) {
		int cause =
		    spt_guest_walk(&vm->spt, gsatp, va + done, ACCESS_WRITE, priv, sstatus, &gpa);
		if (cause)
			return cause;
	}
	for (unsigned done = 0; done < size; done += chunk) {
		int cause = spt_guest_walk(&vm->spt, gsatp, va + done,
					   write ? ACCESS_WRITE : ACCESS_READ, priv, sstatus, &gpa);
		if (cause)
			return cause;
		uint32_t mask = chunk == 4 ? 0xffffffffu : (1u << (8 * chunk)) - 1;
		uint32_t part = (v >> (8 * done)) & mask;
		uint64_t x = 0;
		/* RAM through P -> R (keeping shadows and decoded code right),
		 * else a device on the VM's bus. */
		if (write) {
			if (vm_write_phys(vm, gpa, &part, chunk) &&
			    bus_write(&vm->plat.bus, gpa, chunk, part) != BUS_OK)
				return EXC_store_access;
		} else {
			if (vm_read_phys(vm, gpa, &x, chunk) &&
			    bus_read(&vm->plat.bus, gpa, chunk, &x) != BUS_OK)
				return EXC_load_access;
			v |= ((uint32_t)x & mask) << (8 * done);
		}
	}
	if (!write)
		*val = v;
	return 0;
}

void vm_switch_shadow(struct vm *vm)
{
	const struct csr_file *c = &vm->vcpu.csr;
	spt_switch(&vm->spt, c->satp, spt_view_of(c->priv, c->sstatus));
}

/* --- the platform's view of us --- */

static int vm_plat_read(void *owner, uint64_t pa, void *buf, uint32_t len)
{
	return vm_read_phys(owner, pa, buf, len);
}

static int vm_plat_write(void *owner, uint64_t pa, const void *buf, uint32_t len)
{
	return vm_write_phys(owner, pa, buf, len);
}

static void vm_plat_set_timer(void *owner, uint64_t when)
{
	struct vm *vm = owner;
	vm_csr(vm)->stimecmp = when; /* the *virtual* timer */
}

static void vm_plat_set_seip(void *owner, int level)
{
	struct vm *vm = owner;
	vm_csr(vm)->seip = level != 0; /* the *virtual* external line */
}

static void vm_plat_halt(void *owner)
{
	struct vm *vm = owner;
	vm->halted = true;
	vm->exit_code = vm->plat.exit_code;
}

static const struct platform_ops vm_platform_ops = {
	vm_plat_read, vm_plat_write, vm_plat_set_timer, vm_plat_set_seip, vm_plat_halt,
};

void vm_flush_output(struct vm *vm)
{
	if (!vm->line_len)
		return;
	printf("[vm%d] %.*s", vm->id, (int)vm->line_len, vm->line);
	vm->line_len = 0;
}

/* With several VMs, each console line is prefixed by its VM, and goes out
 * whole: a time slice can end in the middle of a line. */
static void vm_output(void *ctx, uint8_t c)
{
	struct vm *vm = ctx;
	if (vm->mon->mute)
		return;
	if (vm->mon->nvm > 1) {
		vm->line[vm->line_len++] = (char)c;
		if (c == '\n' || vm->line_len == sizeof(vm->line))
			vm_flush_output(vm);
		return;
	}
	putchar(c);
	vm->at_line_start = c == '\n';
}

/* The vCPU's side effects of CSR writes (the hook of csr.c): what the
 * monitor must do when the guest changes its own translation. */
static void vm_csr_changed(void *ctx, unsigned csr, uint32_t old)
{
	/* LAB trap-and-emulate step 2 BEGIN: the side effects of CSR writes */
	struct vm *vm = ctx;
	uint32_t now = vm->vcpu.csr.sstatus;
	if (csr == CSR_sstatus && ((old ^ now) & SSTATUS_MXR)) {
		spt_drop_all(&vm->spt); /* what "readable" means changed */
		vm_switch_shadow(vm);
	} else if (csr == CSR_satp || (csr == CSR_sstatus && ((old ^ now) & SSTATUS_SUM))) {
		vm_switch_shadow(vm);
	}
	/* LAB STUB */
	//| /* Not written yet: the hardware keeps walking the shadow it had. */
	//| (void)ctx;
	//| (void)csr;
	//| (void)old;
	/* LAB END */
}

/* The DMA copy engine: a machine frame for its registers, an IOMMU over
 * this VM's P->R, and the device on the board.  Assigned, the shadow fill
 * (and the second-stage fill) map its page to that frame, so the guest's
 * register accesses stop trapping; emulated, the page stays unmapped and
 * every access goes through the bus.  0, or -1 after a message. */
static int vm_add_dma(struct vm *vm, int how)
{
	struct spt_frames *f = &vm->mon->frames;
	vm->dma_frame = spt_frame_alloc(f);
	if (vm->dma_frame == SPT_NO_FRAME) {
		fprintf(stderr, "trapvisor: no machine frame for the DMA engine's registers\n");
		return -1;
	}
	vm->dma_iommu = (struct spt_iommu){ .p2r = &vm->p2r, .frames = f, .spt = &vm->spt };
	if (platform_add_dma(&vm->plat, spt_frame_ptr(f, vm->dma_frame), spt_iommu_translate,
			     &vm->dma_iommu))
		return -1;
	vm->plat.dma.written = spt_iommu_written;
	if (how == VM_DMA_ASSIGNED) {
		vm->spt.direct_gpa = BOARD_DMA_BASE;
		vm->spt.direct_frame = vm->dma_frame;
	}
	return 0;
}

void vm_unmap_gpage(struct vm *vm, uint32_t gpage)
{
	spt_unmap_gpage(&vm->spt, gpage);
	if (vm->vtx && vm->mon->paging == MON_PAGING_NESTED)
		vt_stage2_unmap(vm, gpage);
}

/* --mem-limit chose guest page `gpage` as the victim. */
static void vm_evict(void *ctx, uint32_t gpage)
{
	vm_unmap_gpage(ctx, gpage);
}

struct vm *vm_create(struct monitor *mon, int id, const struct vm_config *cfg)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	uint32_t fdt_addr;
	if (!vm) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return NULL;
	}
	vm->id = id;
	vm->mon = mon;
	vm->ram_size = cfg->ram_size;
	vm->at_line_start = true;
	if (spt_p2r_init(&vm->p2r, &mon->frames, BOARD_RAM_BASE, cfg->ram_size / SPT_PAGE,
			 (uint32_t)id + 1))
		goto out_vm;
	if (spt_init(&vm->spt, &mon->frames, &vm->p2r, &mon->hw))
		goto out_p2r;
	if (mon->swap_pool.limit && spt_p2r_swap_init(&vm->p2r, &mon->swap_pool, vm_evict, vm))
		goto out_spt;
	if (mon->kind == MON_KIND_BT && spt_enable_bt(&vm->spt, bt_rewrite, vm))
		goto out_spt;
	if (platform_init(&vm->plat, &vm_platform_ops, vm, vm_output, vm, cfg->input_fd))
		goto out_spt;
	vm->dma_frame = SPT_NO_FRAME;
	if (cfg->dma && vm_add_dma(vm, cfg->dma))
		goto out_plat;
	/* No ELF: a VM being resumed (core/state.c), whose RAM will hold the
	 * guest and its device tree as they were. */
	fdt_addr = 0;
	if (cfg->elf_path && platform_load(&vm->plat, cfg->elf_path, cfg->ram_size, cfg->bootargs,
					   &vm->elf, &fdt_addr))
		goto out_plat;

	/* The vCPU starts as a real hart would: S-mode at the entry, a0 =
	 * hart id, a1 = the device tree. */
	csr_reset(&vm->vcpu.csr);
	vm->vcpu.csr.legacy = mon->legacy; /* the guest's machine is the same */
	vm->vcpu.csr.changed = vm_csr_changed;
	vm->vcpu.csr.ctx = vm;
	vm->vcpu.x[11] = fdt_addr;
	vm->vcpu.pc = vm->elf.entry;
	if (mon->kind == MON_KIND_VT && vt_vm_init(vm))
		goto out_vt;
	return vm;

out_vt:
	vt_vm_destroy(vm);
	elf_image_free(&vm->elf);
out_plat:
	platform_destroy(&vm->plat);
	if (vm->dma_frame != SPT_NO_FRAME)
		spt_frame_free(&mon->frames, vm->dma_frame);

out_spt:
	spt_destroy(&vm->spt);
out_p2r:
	spt_p2r_destroy(&vm->p2r, &mon->frames);
out_vm:
	free(vm);
	return NULL;
}

void vm_destroy(struct vm *vm)
{
	vt_vm_destroy(vm);
	elf_image_free(&vm->elf);
	platform_destroy(&vm->plat);
	if (vm->dma_frame != SPT_NO_FRAME)
		spt_frame_free(&vm->mon->frames, vm->dma_frame);
	spt_destroy(&vm->spt);
	spt_p2r_destroy(&vm->p2r, &vm->mon->frames);
	free(vm->balloon.in);
	free(vm);
}
