/*
 * vm.c -- a KVM virtual machine: /dev/kvm, the VM file descriptor, guest
 * RAM as KVM memory slots, and the in-kernel interrupt controllers and PIT.
 *
 * KVM's objects are file descriptors: /dev/kvm (the system), a VM fd from
 * KVM_CREATE_VM, a vCPU fd per KVM_CREATE_VCPU.  Guest RAM is ordinary
 * anonymous host memory that we hand to KVM with KVM_SET_USER_MEMORY_REGION:
 * KVM builds the second-stage table (EPT on Intel, NPT on AMD) from it
 * lazily, one EPT violation at a time, without ever telling us.
 */
#include "x86-vtx/vtx.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86-vtx/layout.h"

/* Give KVM one slot: guest-physical [gpa, gpa+size) backed by fresh host
 * memory. */
static int vtx_vm_add_slot(struct vtx_vm *vm, uint64_t gpa, uint64_t size)
{
	void *hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hva == MAP_FAILED) {
		fprintf(stderr, "x86: cannot map %llu MiB of guest RAM: %s\n",
			(unsigned long long)(size >> 20), strerror(errno));
		return -1;
	}
	madvise(hva, size, MADV_MERGEABLE);
	struct kvm_userspace_memory_region r = {
		.slot = (uint32_t)vm->nslots,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		fprintf(stderr, "x86: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		munmap(hva, size);
		return -1;
	}
	vm->slots[vm->nslots++] = (struct vtx_slot){ gpa, size, hva };
	return 0;
}

int vtx_open_kvm(const char *who)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		/* Some sandboxes offer a /dev/kvm with no VT-x/AMD-V behind
		 * it (PVM runs guests by shadow paging and emulation): it
		 * works, but an unmodified Linux guest crawls. */
		if (access("/sys/module/kvm_pvm", F_OK) == 0 &&
		    access("/sys/module/kvm_intel", F_OK) != 0 &&
		    access("/sys/module/kvm_amd", F_OK) != 0)
			fprintf(
			    stderr,
			    "%s: warning: this /dev/kvm is PVM, not VT-x/AMD-V: guests run slowly "
			    "or not at all; the nested tests are the reference: make test-x86\n",
			    who);
		return fd;
	}
	if (errno == EACCES || errno == EPERM)
		fprintf(stderr,
			"%s: /dev/kvm: %s -- KVM is not permitted for this user (join group kvm); "
			"or run the nested tests: make test-x86\n",
			who, strerror(errno));
	else
		fprintf(stderr,
			"%s: /dev/kvm: %s -- this host offers no KVM (VT-x/AMD-V); "
			"run the nested tests instead: make test-x86\n",
			who, strerror(errno));
	return -1;
}

int vtx_vm_create(struct vtx_vm *vm, uint64_t mem_size, int ncpus)
{
	vm->kvm_fd = vm->vm_fd = -1;
	vm->mem_size = mem_size;
	vm->ncpus = ncpus;
	vm->console_out = 1;
	pthread_mutex_init(&vm->bus_lock, NULL);
	pthread_mutex_init(&vm->trace_lock, NULL);

	vm->kvm_fd = vtx_open_kvm("x86");
	if (vm->kvm_fd < 0)
		return -2;
	/* The API version has been 12 since Linux 2.6.22; anything else is a
	 * kernel we do not understand. */
	int api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		fprintf(stderr, "x86: KVM API version %d, expected %d\n", api, KVM_API_VERSION);
		goto out_kvm;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fprintf(stderr,
			"x86: KVM_CREATE_VM: %s -- /dev/kvm is there but cannot make a VM; "
			"run the nested tests instead: make test-x86\n",
			strerror(errno));
		vm->vm_fd = -1;
		close(vm->kvm_fd);
		vm->kvm_fd = -1;
		return -2;
	}
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0) {
		fprintf(stderr, "x86: KVM_GET_VCPU_MMAP_SIZE failed\n");
		goto out_vm;
	}

	/* Intel only (harmless on AMD): VT-x without "unrestricted guest"
	 * runs real mode in vm86 and needs a TSS and an identity page table
	 * somewhere in guest-physical space that is not RAM. */
	ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)VTX_KVM_TSS);
	uint64_t idmap = VTX_KVM_IDMAP;
	ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);

	/* The PC's interrupt controllers inside KVM: two 8259 PICs, one
	 * IOAPIC and a local APIC per vCPU.  Interrupts then never need us:
	 * a device raises a line with KVM_IRQ_LINE and KVM delivers it. */
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		fprintf(stderr, "x86: KVM_CREATE_IRQCHIP: %s\n", strerror(errno));
		goto out_vm;
	}
	/* The 8254 PIT in the kernel too (ports 0x40-0x43): its channel 0
	 * ticks on IRQ 0.  KVM_PIT_SPEAKER_DUMMY also puts port 0x61 in the
	 * kernel (the name is misleading: without it 0x61 comes to user
	 * space).  Its bits gate PIT channel 2 and show its output; Linux
	 * polls them in tight loops to calibrate the TSC, which would be
	 * hundreds of thousands of exits to us. */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		fprintf(stderr, "x86: KVM_CREATE_PIT2: %s\n", strerror(errno));
		goto out_vm;
	}

	/* RAM: below the 32-bit PCI hole, and the rest above 4 GiB. */
	uint64_t low = mem_size < VTX_LOW_RAM_MAX ? mem_size : VTX_LOW_RAM_MAX;
	if (vtx_vm_add_slot(vm, 0, low) < 0)
		goto out_vm;
	if (mem_size > low && vtx_vm_add_slot(vm, VTX_HIGH_RAM, mem_size - low) < 0)
		goto out_mem;

	/* What CPUID the host and KVM can offer a guest.  The array must be
	 * big enough, or KVM says E2BIG: grow until it fits. */
	for (int n = 64; n <= 4096; n *= 2) {
		free(vm->cpuid);
		vm->cpuid =
		    calloc(1, sizeof(*vm->cpuid) + (size_t)n * sizeof(struct kvm_cpuid_entry2));
		if (!vm->cpuid)
			goto out_mem;
		vm->cpuid->nent = (uint32_t)n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, vm->cpuid) == 0)
			break;
		if (errno != E2BIG) {
			fprintf(stderr, "x86: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
			goto out_mem;
		}
	}
	return 0;

out_mem:
	for (int i = 0; i < vm->nslots; i++)
		munmap(vm->slots[i].hva, vm->slots[i].size);
	vm->nslots = 0;
out_vm:
	close(vm->vm_fd);
	vm->vm_fd = -1;
out_kvm:
	close(vm->kvm_fd);
	vm->kvm_fd = -1;
	return -1;
}

void vtx_vm_destroy(struct vtx_vm *vm)
{
	for (int i = 0; i < vm->ncpus; i++) {
		struct vtx_vcpu *c = &vm->vcpus[i];
		if (c->run)
			munmap(c->run, (size_t)vm->run_size);
		if (c->fd > 0)
			close(c->fd);
		c->run = NULL;
		c->fd = -1;
	}
	for (int i = 0; i < vm->nslots; i++)
		munmap(vm->slots[i].hva, vm->slots[i].size);
	vm->nslots = 0;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	free(vm->cpuid);
	vm->cpuid = NULL;
}

const struct vtx_slot *vtx_slot_of(const struct vtx_vm *vm, uint64_t gpa)
{
	for (int i = 0; i < vm->nslots; i++) {
		const struct vtx_slot *s = &vm->slots[i];
		if (gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

void *vtx_gpa_to_hva(const struct vtx_vm *vm, uint64_t gpa, uint64_t len)
{
	const struct vtx_slot *s = vtx_slot_of(vm, gpa);
	/* Written so that no sum can overflow: gpa - s->gpa < s->size. */
	if (!s || len > s->size - (gpa - s->gpa))
		return NULL;
	return s->hva + (gpa - s->gpa);
}

void vtx_vm_stop(struct vtx_vm *vm, enum vtx_stop why, const char *what)
{
	int expected = VTX_RUNNING;
	if (!atomic_compare_exchange_strong(&vm->stop, &expected, (int)why))
		return;
	snprintf(vm->stop_why, sizeof(vm->stop_why), "%s", what);
	/* Kick every vCPU out of KVM_RUN: immediate_exit makes the next
	 * KVM_RUN return at once, the signal interrupts one in progress. */
	for (int i = 0; i < vm->ncpus; i++) {
		struct vtx_vcpu *c = &vm->vcpus[i];
		if (c->run)
			c->run->immediate_exit = 1;
		if (c->started && !pthread_equal(c->thread, pthread_self()))
			pthread_kill(c->thread, SIGUSR1);
	}
}
