/*
 * minikvm.h -- lab kvm's minimal monitor on the Linux KVM API
 * (labs/kvm/minikvm.c): one VM, one memory slot, one vCPU in real mode.
 * The grader calls the steps one by one; the program runs them in order.
 */
#ifndef LABS_KVM_MINIKVM_H
#define LABS_KVM_MINIKVM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

#define MINIKVM_MEM_SIZE  0x10000u /* guest RAM: 64 KiB at guest-physical 0 */
#define MINIKVM_GUEST_AT  0x1000u  /* where the guest's code is loaded and starts */
#define MINIKVM_PORT_UART 0x3f8u   /* COM1's data register: the guest's console */
#define MINIKVM_PORT_ASK  0x10u	   /* an IN here: the monitor answers MINIKVM_ANSWER */
#define MINIKVM_ANSWER	  6u

/* What the monitor holds: file descriptors, the guest's RAM as the
 * monitor sees it, the vCPU's shared kvm_run page.  -1 / NULL when not
 * (yet) set up. */
struct minikvm {
	int kvm;	     /* /dev/kvm */
	int vm;		     /* KVM_CREATE_VM */
	int vcpu;	     /* KVM_CREATE_VCPU */
	uint8_t *mem;	     /* MINIKVM_MEM_SIZE bytes, guest-physical 0 */
	struct kvm_run *run; /* the vCPU's mmap'ed kvm_run */
	size_t run_size;
};

/* The tiny real-mode guest (bytes) and its length. */
extern const uint8_t minikvm_guest[];
extern const size_t minikvm_guest_len;

/* A monitor with nothing set up yet. */
void minikvm_init(struct minikvm *m);
/* Step 1: open /dev/kvm, check the API version, create the VM.
 * Returns 0, or -1 with a message naming what failed. */
int minikvm_open(struct minikvm *m);
/* Step 2: the guest's RAM, slot 0 at guest-physical 0, the guest loaded
 * at MINIKVM_GUEST_AT.  0 or -1. */
int minikvm_memory(struct minikvm *m);
/* Step 3: the vCPU, its kvm_run mapped, real-mode segments, rip at the
 * guest.  0 or -1. */
int minikvm_vcpu(struct minikvm *m);
/* Step 4: run the guest until it halts, its console bytes on `out`.
 * Returns 0 when it halted, 1 on anything else (one line on stderr). */
int minikvm_run(struct minikvm *m, FILE *out);
/* Close and unmap whatever is set up. */
void minikvm_close(struct minikvm *m);

#endif
