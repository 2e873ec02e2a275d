/*
 * minikvm.c -- lab kvm: the smallest monitor on the Linux KVM API.
 *
 * Everything trapvisor's x86 backend (x86-vtx/) does to boot Linux starts
 * with the same four moves, each a few ioctl()s on file descriptors:
 *
 *   /dev/kvm --KVM_CREATE_VM--> vm fd --KVM_CREATE_VCPU--> vcpu fd
 *                                 |                           |
 *             KVM_SET_USER_MEMORY_REGION              mmap: struct kvm_run
 *             (guest-physical -> our memory)          KVM_RUN ... exit ... KVM_RUN
 *
 * The guest is a few bytes of 16-bit real-mode code: the CPU as it comes
 * out of reset, no paging, no descriptor tables, address = segment * 16 +
 * offset.  It prints a line through COM1's data port, asks the monitor
 * for a number on another port, prints what it computes from it, and halts.
 * Each of those is an exit to this program: KVM_EXIT_IO, KVM_EXIT_HLT.
 *
 * Run: build/labs/kvm/minikvm (it needs /dev/kvm; make test-x86 runs it
 * nested, under QEMU).  The grader: labs/kvm/grade.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "labs/kvm/minikvm.h"

/* The guest, hand-assembled (GNU as, .code16), loaded at 0x1000:
 *
 *   1000  be 23 10     mov  $msg, %si        ds = 0: si is the address
 *   1003  ba f8 03     mov  $0x3f8, %dx      COM1 data
 *   1006  ac        1: lodsb                 al = *si++
 *   1007  84 c0        test %al, %al
 *   1009  74 03        jz   2f               the string's NUL: done
 *   100b  ee           out  %al, %dx         exit: KVM_EXIT_IO, out
 *   100c  eb f8        jmp  1b
 *   100e  e4 10     2: in   $0x10, %al       exit: KVM_EXIT_IO, in
 *   1010  b1 07        mov  $7, %cl
 *   1012  f6 e1        mul  %cl              ax = al * 7
 *   1014  d4 0a        aam                   ah = al / 10, al = al % 10
 *   1016  05 30 30     add  $0x3030, %ax     two ASCII digits
 *   1019  86 c4        xchg %al, %ah
 *   101b  ee           out  %al, %dx         the tens
 *   101c  86 c4        xchg %al, %ah
 *   101e  ee           out  %al, %dx         the units
 *   101f  b0 0a        mov  $10, %al
 *   1021  ee           out  %al, %dx         newline
 *   1022  f4           hlt                   exit: KVM_EXIT_HLT
 *   1023  msg: "Hello from real mode! 6 * 7 = ", 0
 */
const uint8_t minikvm_guest[] = {
	0xbe, 0x23, 0x10, 0xba, 0xf8, 0x03, 0xac, 0x84, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8,
	0xe4, 0x10, 0xb1, 0x07, 0xf6, 0xe1, 0xd4, 0x0a, 0x05, 0x30, 0x30, 0x86, 0xc4, 0xee,
	0x86, 0xc4, 0xee, 0xb0, 0x0a, 0xee, 0xf4, 'H',	'e',  'l',  'l',  'o',	' ',  'f',
	'r',  'o',  'm',  ' ',	'r',  'e',  'a',  'l',	' ',  'm',  'o',  'd',	'e',  '!',
	' ',  '6',  ' ',  '*',	' ',  '7',  ' ',  '=',	' ',  0,
};
const size_t minikvm_guest_len = sizeof(minikvm_guest);

void minikvm_init(struct minikvm *m)
{
	*m = (struct minikvm){ .kvm = -1, .vm = -1, .vcpu = -1 };
}

int minikvm_open(struct minikvm *m)
{
	/* LAB kvm step 1 BEGIN: open /dev/kvm, check its API, create a VM */
	m->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (m->kvm < 0) {
		fprintf(stderr, "minikvm: /dev/kvm: %s\n", strerror(errno));
		return -1;
	}
	/* The API has been version 12 since Linux 2.6.22; anything else is
	 * not the interface this program was written for. */
	int version = ioctl(m->kvm, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		fprintf(stderr, "minikvm: KVM API version %d, not %d\n", version, KVM_API_VERSION);
		return -1;
	}
	/* A VM is a file descriptor too: memory and vCPUs hang off it.
	 * (0: the default machine type.) */
	m->vm = ioctl(m->kvm, KVM_CREATE_VM, 0);
	if (m->vm < 0) {
		fprintf(stderr, "minikvm: KVM_CREATE_VM: %s\n", strerror(errno));
		return -1;
	}
	return 0;
	/* LAB STUB */
	//| (void)m;
	//| fprintf(stderr, "minikvm: step 1 not written: no /dev/kvm, no VM\n");
	//| return -1;
	/* LAB END */
}

int minikvm_memory(struct minikvm *m)
{
	/* LAB kvm step 2 BEGIN: the guest's RAM as slot 0, the guest in it */
	/* Anonymous memory of this process becomes the guest's RAM: KVM maps
	 * guest-physical [0, MINIKVM_MEM_SIZE) onto it (in the hardware's
	 * second-stage tables, EPT or NPT), so the guest's accesses to RAM
	 * never exit.  mmap gives page-aligned memory, as KVM requires. */
	void *mem = mmap(NULL, MINIKVM_MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "minikvm: guest RAM: %s\n", strerror(errno));
		return -1;
	}
	m->mem = mem;
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = MINIKVM_MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0) {
		fprintf(stderr, "minikvm: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		return -1;
	}
	/* Loading the guest is a plain copy: it is our memory. */
	memcpy(m->mem + MINIKVM_GUEST_AT, minikvm_guest, minikvm_guest_len);
	return 0;
	/* LAB STUB */
	//| (void)m;
	//| fprintf(stderr, "minikvm: step 2 not written: the VM has no memory\n");
	//| return -1;
	/* LAB END */
}

int minikvm_vcpu(struct minikvm *m)
{
	/* LAB kvm step 3 BEGIN: a vCPU, its kvm_run, real mode at the guest */
	m->vcpu = ioctl(m->vm, KVM_CREATE_VCPU, 0); /* vCPU number 0 */
	if (m->vcpu < 0) {
		fprintf(stderr, "minikvm: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return -1;
	}
	/* struct kvm_run is shared with the kernel: after each KVM_RUN it
	 * says why the guest exited and carries the exit's data.  /dev/kvm
	 * says how large the mapping is (the page, and more after it). */
	int size = ioctl(m->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "minikvm: KVM_GET_VCPU_MMAP_SIZE: %d\n", size);
		return -1;
	}
	void *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu, 0);
	if (run == MAP_FAILED) {
		fprintf(stderr, "minikvm: mmap kvm_run: %s\n", strerror(errno));
		return -1;
	}
	m->run = run;
	m->run_size = size;
	/* A new vCPU is in real mode already, but CS is the reset vector's
	 * (selector 0xf000, base 0xffff0000).  In real mode the base is
	 * selector * 16: code segment 0, and rip the guest's first byte. */
	struct kvm_sregs sregs;
	if (ioctl(m->vcpu, KVM_GET_SREGS, &sregs) < 0) {
		fprintf(stderr, "minikvm: KVM_GET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	sregs.ds.selector = 0; /* lodsb reads ds:si */
	sregs.ds.base = 0;
	if (ioctl(m->vcpu, KVM_SET_SREGS, &sregs) < 0) {
		fprintf(stderr, "minikvm: KVM_SET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	/* rflags bit 1 is reserved and must be 1; IF=0: no interrupts. */
	struct kvm_regs regs = { .rip = MINIKVM_GUEST_AT, .rflags = 0x2 };
	if (ioctl(m->vcpu, KVM_SET_REGS, &regs) < 0) {
		fprintf(stderr, "minikvm: KVM_SET_REGS: %s\n", strerror(errno));
		return -1;
	}
	return 0;
	/* LAB STUB */
	//| (void)m;
	//| fprintf(stderr, "minikvm: step 3 not written: the VM has no vCPU\n");
	//| return -1;
	/* LAB END */
}

int minikvm_run(struct minikvm *m, FILE *out)
{
	/* LAB kvm step 4 BEGIN: the run loop: KVM_EXIT_IO and KVM_EXIT_HLT */
	for (;;) {
		/* The guest runs on the real CPU until it does something the
		 * hardware hands to the host; KVM handles what it can in the
		 * kernel, and returns here with the rest. */
		if (ioctl(m->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "minikvm: KVM_RUN: %s\n", strerror(errno));
			return 1;
		}
		struct kvm_run *r = m->run;
		switch (r->exit_reason) {
		case KVM_EXIT_HLT: fflush(out); return 0;
		case KVM_EXIT_IO: {
			/* IN or OUT: the bytes are in the kvm_run mapping at
			 * io.data_offset (count of them for a string
			 * instruction, size bytes each).  For an IN, what
			 * we put there is what the guest's register gets
			 * when we KVM_RUN again. */
			uint8_t *data = (uint8_t *)r + r->io.data_offset;
			if (r->io.port == MINIKVM_PORT_UART && r->io.direction == KVM_EXIT_IO_OUT) {
				fwrite(data, r->io.size, r->io.count, out);
				break;
			}
			if (r->io.port == MINIKVM_PORT_ASK && r->io.direction == KVM_EXIT_IO_IN) {
				memset(data, 0, (size_t)r->io.size * r->io.count);
				data[0] = MINIKVM_ANSWER;
				break;
			}
			fflush(out);
			fprintf(stderr, "minikvm: the guest did %s on port %#x: no device there\n",
				r->io.direction == KVM_EXIT_IO_OUT ? "an OUT" : "an IN",
				r->io.port);
			return 1;
		}
		default:
			fflush(out);
			fprintf(stderr, "minikvm: unexpected exit reason %u\n", r->exit_reason);
			return 1;
		}
	}
	/* LAB STUB */
	//| (void)m;
	//| fflush(out);
	//| fprintf(stderr, "minikvm: step 4 not written: the vCPU never ran\n");
	//| return 1;
	/* LAB END */
}

void minikvm_close(struct minikvm *m)
{
	if (m->run)
		munmap(m->run, m->run_size);
	if (m->mem)
		munmap(m->mem, MINIKVM_MEM_SIZE);
	if (m->vcpu >= 0)
		close(m->vcpu);
	if (m->vm >= 0)
		close(m->vm);
	if (m->kvm >= 0)
		close(m->kvm);
	minikvm_init(m);
}

#ifndef MINIKVM_NO_MAIN /* (the grader calls the steps itself) */
int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: minikvm   (runs its own tiny real-mode guest)\n");
		return 2;
	}
	struct minikvm m;
	minikvm_init(&m);
	int rc = 1;
	if (minikvm_open(&m) == 0 && minikvm_memory(&m) == 0 && minikvm_vcpu(&m) == 0)
		rc = minikvm_run(&m, stdout);
	minikvm_close(&m);
	return rc;
}
#endif
