/*
 * vm.h -- a virtual machine of the trap-and-emulate monitor, and its
 * vCPU: the guest's registers (on the hart while it runs) and the
 * *software copy* of its privileged state.
 */
#ifndef CORE_VM_H
#define CORE_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "isa-toy/csr.h"
#include "isa-toy/elf_load.h"
#include "isa-toy/platform.h"
#include "isa-toy/tvt.h"
#include "core/vm_balloon.h"
#include "shadowpt/iommu.h"
#include "shadowpt/p2r.h"
#include "shadowpt/shadow.h"

struct monitor;

enum mon_action {
#define ACTION(id, text) MON_##id,
#include "core/actions.def"
#undef ACTION
	MON_ACTIONS
};

struct vcpu {
	/* The guest's privileged state: its mode (csr.priv), its S-mode CSRs
	 * and its counters.  The guest believes these are the hardware's;
	 * the hardware itself runs the guest in U-mode. */
	struct csr_file csr;
	uint32_t x[33], pc; /* registers, saved while another VM runs */
	bool wfi;	    /* waiting for a virtual interrupt */
};

struct vm_stats {
	uint64_t direct;       /* guest instructions the hardware ran */
	uint64_t emulated;     /* guest instructions the monitor ran */
	uint64_t traps;	       /* traps to the monitor */
	uint64_t by_cause[16]; /* ... by hardware cause */
	uint64_t by_action[MON_ACTIONS];
	uint64_t ns_by_action[MON_ACTIONS]; /* host time (with --stats/--trace) */
	uint64_t bt_rewritten;		    /* instructions rewritten by the translator */
	uint64_t bt_traps;		    /* traps at rewritten instructions */
};

/* Paravirtualization (core/pv.c): where the guest's shared page is. */
struct pv_vm {
	bool registered;
	uint32_t shared; /* guest-physical address of the shared page */
};

/* --mode=vt (core/vt.c): the VM runs under TVT.  Its vCPU state is the
 * VMCS's guest-state area, not struct vcpu (vm_csr() picks the right one). */
struct vt_vm {
	struct tvt_vmcs vmcs;
	uint32_t s2_root;	  /* machine frame of the second-stage root */
	uint32_t s2_leaf[1024];	  /* ... its leaf tables, or SPT_NO_FRAME */
	uint32_t gsatp;		  /* --paging=shadow: the satp the guest believes in */
	uint64_t s2_fills;	  /* second-stage entries the monitor made */
	uint64_t s2_not_resident; /* ... of them after a swap-in (--mem-limit) */
};

struct vm {
	int id;
	struct monitor *mon;
	struct vcpu vcpu;
	bool vt; /* run under TVT: the state is in vt.vmcs.guest */
	struct platform plat;
	struct spt_p2r p2r;
	struct spt spt;
	struct elf_image elf;
	uint32_t ram_size;
	bool halted;
	int exit_code;
	bool at_line_start; /* console prefixing with several VMs */
	/* The trap being handled, as it was when it happened (for the
	 * trace: handling changes the mode and the pc). */
	uint32_t trap_insn;
	enum cpu_priv trap_mode;
	struct vm_stats stats;
	/* Monitor work that made no guest progress (monitor_worked). */
	struct {
		uint64_t at;	  /* csr_progress when the run began */
		uint64_t run;	  /* traps or exits handled since */
		uint64_t counted; /* those charged to the budget, in all */
	} stall;
	struct pv_vm pv;
	/* Stopped by --suspend-at in the middle of a time slice: where the
	 * slice was to end, and whether the hart stopped in the middle of a
	 * run of guest code (monitor.c).  Saved in a snapshot, so that the
	 * resumed run slices time exactly as the run that never stopped. */
	struct {
		uint64_t slice_end; /* 0: not stopped mid-slice */
		bool mid_run;
	} resume;
	struct vt_vm *vtx; /* --mode=vt only */
	/* The DMA copy engine, if the VM has one: its register page (a
	 * machine frame, so a shadow or second-stage entry can point at it)
	 * and the IOMMU that confines its DMA to this VM's RAM. */
	uint32_t dma_frame; /* SPT_NO_FRAME: none */
	struct spt_iommu dma_iommu;
	/* The memory balloon (--balloon, core/reclaim.c): the target the
	 * monitor will ask for, and when; which guest pages are in the
	 * balloon now (one byte per guest page, NULL without a balloon). */
	struct {
		struct vm_balloon_request req[VM_BALLOON_REQUESTS];
		int nreq, sent;	   /* requests, and how many went out */
		uint8_t *in;	   /* in[gpage]: the guest gave this page up */
		uint32_t pages;	   /* pages in the balloon now */
		uint64_t dropped;  /* pages dropped: each one a swap-out avoided */
		uint64_t returned; /* pages the guest took back */
	} balloon;
	/* With several VMs: the console line being written, printed whole
	 * (with its [vmN] prefix) at its newline, so that VMs that share the
	 * hart at instruction granularity never mix their lines. */
	char line[256];
	unsigned line_len;
};

/* The vCPU's privileged state, wherever this VM keeps it. */
static inline struct csr_file *vm_csr(struct vm *vm)
{
	return vm->vt ? &vm->vtx->vmcs.guest.csr : &vm->vcpu.csr;
}

struct vm_config {
	const char *elf_path; /* NULL: load nothing (a resume fills RAM) */
	uint32_t ram_size;
	const char *bootargs;
	int input_fd; /* console input, -1 for none */
	int dma;      /* VM_DMA_*: the DMA copy engine (--assign dma) */
};

/* The DMA copy engine of a VM: none, emulated (every register access
 * traps), or assigned (its register page mapped into the VM). */
enum { VM_DMA_NONE = 0, VM_DMA_EMULATED, VM_DMA_ASSIGNED };

/* Create VM `id` on the monitor: frames for its memory (scattered), its
 * devices, the guest loaded.  Returns NULL after a one-line message.
 * Disks come after (platform_add_disks on vm->plat): the device tree
 * lists every virtio slot whether or not a disk fills it. */
struct vm *vm_create(struct monitor *mon, int id, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);

/* No table the hardware walks may map guest page `gpage` any more: the
 * shadows, and under nested paging the second-stage table (a swap-out's
 * or a balloon's first step). */
void vm_unmap_gpage(struct vm *vm, uint32_t gpage);

/* Give the VM a memory balloon (core/reclaim.c) in its next free virtio
 * slot; the monitor will make the `n` requests (in order of their `at`).
 * 0, or -1 after a message. */
int vm_add_balloon(struct vm *vm, const struct vm_balloon_request *req, int n);

/* Between time slices: send the balloon requests whose time has come. */
void vm_balloon_poll(struct vm *vm);

/* Print what is left of the VM's console line (several VMs only). */
void vm_flush_output(struct vm *vm);

/* Guest-physical memory through P -> R: 0, or -1 if not all guest RAM.
 * Writes keep the shadows and the decode cache right. */
int vm_read_phys(struct vm *vm, uint64_t gpa, void *buf, uint32_t len);
int vm_write_phys(struct vm *vm, uint64_t gpa, const void *buf, uint32_t len);

/* A guest load or store of `size` bytes at guest-virtual `va`, done by
 * the monitor: translated through the guest's table of satp `gsatp` as
 * the hardware would for mode `priv` with `sstatus`, then RAM or a device
 * on the VM's bus.  Misaligned accesses go byte by byte, as on the bare
 * machine.  0, or the exception cause. */
int vm_guest_rw(struct vm *vm, uint32_t gsatp, enum cpu_priv priv, uint32_t sstatus, uint32_t va,
		unsigned size, bool write, uint32_t *val);

/* Make the shadow for the vCPU's current satp and mode current (after a
 * satp write, a mode change, SUM changing). */
void vm_switch_shadow(struct vm *vm);

#endif
