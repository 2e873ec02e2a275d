/*
 * vcpu.c -- the virtual CPUs: one KVM vCPU fd, one shared kvm_run page and
 * one host thread each.
 *
 * A vCPU runs only while its thread sits in ioctl(KVM_RUN); so N vCPUs
 * need N threads.  To stop one from the outside we set
 * kvm_run.immediate_exit and send its thread a signal: KVM_RUN then
 * returns EINTR.
 */
#include "x86-vtx/vtx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* Give vCPU `id` the CPUID KVM supports, but with its own APIC id: the
 * initial APIC id is CPUID.1:EBX[31:24] and the x2APIC id is EDX of the
 * topology leaves 0xB and 0x1F.  Linux matches these against the MADT. */
static int vtx_vcpu_set_cpuid(struct vtx_vm *vm, struct vtx_vcpu *c)
{
	size_t bytes = sizeof(*vm->cpuid) + vm->cpuid->nent * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = malloc(bytes);
	if (!cpuid)
		return -1;
	memcpy(cpuid, vm->cpuid, bytes);
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffffu) | ((uint32_t)c->id << 24);
			/* ECX bit 31, "hypervisor present": KVM leaves it to
			 * user space.  Without it Linux never looks at the
			 * KVM leaves at 0x40000000, so no kvmclock: it then
			 * calibrates the TSC against the PIT, slowly. */
			if (!vm->hide_hypervisor)
				e->ecx |= 1u << 31;
		}
		if (e->function == 0xb || e->function == 0x1f)
			e->edx = (uint32_t)c->id;
	}
	int rc = ioctl(c->fd, KVM_SET_CPUID2, cpuid);
	if (rc < 0)
		fprintf(stderr, "x86: KVM_SET_CPUID2: %s\n", strerror(errno));
	free(cpuid);
	return rc;
}

int vtx_vcpu_create_all(struct vtx_vm *vm)
{
	for (int i = 0; i < vm->ncpus; i++)
		vm->vcpus[i].fd = -1;
	for (int i = 0; i < vm->ncpus; i++) {
		struct vtx_vcpu *c = &vm->vcpus[i];
		c->vm = vm;
		c->id = i;
		c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
		if (c->fd < 0) {
			fprintf(stderr, "x86: KVM_CREATE_VCPU %d: %s\n", i, strerror(errno));
			return -1;
		}
		c->run =
		    mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED) {
			c->run = NULL;
			fprintf(stderr, "x86: mmap kvm_run: %s\n", strerror(errno));
			return -1;
		}
		if (vtx_vcpu_set_cpuid(vm, c) < 0)
			return -1;
		/* Ask KVM to copy the registers and segment state into
		 * kvm_run on every exit ("sync regs"), so tracing an exit
		 * needs no extra KVM_GET_REGS/KVM_GET_SREGS system call. */
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) > 0)
			c->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	}
	return 0;
}

/* SIGUSR1 only interrupts KVM_RUN; it needs no handler body. */
static void vtx_vcpu_kick(int sig)
{
	(void)sig;
}

enum vtx_stop vtx_vcpu_run_all(struct vtx_vm *vm)
{
	struct sigaction sa = { .sa_handler = vtx_vcpu_kick }; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	for (int i = 0; i < vm->ncpus; i++) {
		struct vtx_vcpu *c = &vm->vcpus[i];
		if (pthread_create(&c->thread, NULL, vtx_exit_loop, c) != 0) {
			vtx_vm_stop(vm, VTX_STOP_ERROR, "cannot start a vCPU thread");
			break;
		}
		c->started = 1;
	}
	for (int i = 0; i < vm->ncpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	return (enum vtx_stop)atomic_load(&vm->stop);
}
