/*
 * grade.c -- the grader of lab kvm: one Criterion suite per step.  Each
 * step calls the student's functions of labs/kvm/minikvm.c in order up to
 * its own, then asks KVM itself whether they did their job: the file
 * descriptors answer the ioctls they should, the memory slot is there
 * (a second slot over it is refused), the vCPU's registers read back, a
 * first KVM_RUN exits where the guest's first OUT is.  Step 4 runs the
 * program and checks the guest's transcript.
 *
 * Everything here needs /dev/kvm; where it does not open, every step
 * fails with one line saying so (make test-x86 runs the lab's program,
 * solution and starter, nested under QEMU, where KVM is there).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "labs/kvm/minikvm.h"

#define MINIKVM_BIN KRUN_BUILD "/labs/kvm/minikvm"
#define TRANSCRIPT  "Hello from real mode! 6 * 7 = 42\n"

static struct minikvm m;

/* Every step starts with a monitor set up to `upto` (1..3) by the
 * student's functions; each must succeed. */
static void setup_to(int upto)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		cr_assert_fail("grading lab kvm needs /dev/kvm, which does not open here (%s); "
			       "make test-x86 runs the lab's program nested, under QEMU",
			       strerror(errno));
	close(fd);
	minikvm_init(&m);
	cr_assert_eq(minikvm_open(&m), 0, "minikvm_open() failed");
	if (upto >= 2)
		cr_assert_eq(minikvm_memory(&m), 0, "minikvm_memory() failed");
	if (upto >= 3)
		cr_assert_eq(minikvm_vcpu(&m), 0, "minikvm_vcpu() failed");
}

static void teardown(void)
{
	minikvm_close(&m);
}

/* --- step 1: /dev/kvm and a VM --- */

TestSuite(step1, .fini = teardown, .timeout = 30);

Test(step1, kvm_and_vm)
{
	setup_to(1);
	cr_assert_geq(m.kvm, 0, "m->kvm must be the open /dev/kvm");
	cr_assert_eq(ioctl(m.kvm, KVM_GET_API_VERSION, NULL), 12,
		     "m->kvm must answer KVM_GET_API_VERSION (12)");
	cr_assert_geq(m.vm, 0, "m->vm must be the VM's file descriptor");
	/* Only a VM makes vCPUs: a number the student's code will not use. */
	int cpu = ioctl(m.vm, KVM_CREATE_VCPU, 7);
	cr_assert_geq(cpu, 0, "m->vm must be a VM (KVM_CREATE_VCPU on it: %s)", strerror(errno));
	close(cpu);
}

/* --- step 2: a memory slot and the guest in it --- */

TestSuite(step2, .fini = teardown, .timeout = 30);

Test(step2, guest_loaded)
{
	setup_to(2);
	cr_assert_not_null(m.mem, "m->mem must be the guest's RAM");
	cr_assert_eq(memcmp(m.mem + MINIKVM_GUEST_AT, minikvm_guest, minikvm_guest_len), 0,
		     "the guest's bytes must be at guest-physical %#x", MINIKVM_GUEST_AT);
}

Test(step2, slot_covers_the_guest)
{
	setup_to(2);
	/* KVM refuses a slot over another one (EEXIST): a page of our own
	 * over the guest's code must be refused if the student's slot is
	 * there. */
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(page, MAP_FAILED);
	struct kvm_userspace_memory_region over = { 1, 0, MINIKVM_GUEST_AT, 4096, (uintptr_t)page };
	int rc = ioctl(m.vm, KVM_SET_USER_MEMORY_REGION, &over);
	int err = errno;
	munmap(page, 4096);
	cr_assert(rc < 0 && err == EEXIST,
		  "no memory slot covers guest-physical %#x (a second slot there was %s)",
		  MINIKVM_GUEST_AT, rc < 0 ? strerror(err) : "accepted");
}

/* --- step 3: the vCPU in real mode --- */

TestSuite(step3, .fini = teardown, .timeout = 30);

Test(step3, registers)
{
	setup_to(3);
	cr_assert_geq(m.vcpu, 0, "m->vcpu must be the vCPU");
	cr_assert_not_null(m.run, "m->run must be the vCPU's mapped kvm_run");
	struct kvm_sregs s;
	struct kvm_regs r;
	cr_assert_eq(ioctl(m.vcpu, KVM_GET_SREGS, &s), 0);
	cr_assert_eq(ioctl(m.vcpu, KVM_GET_REGS, &r), 0);
	cr_assert_eq(s.cs.base, 0, "cs.base must be 0 (got %#llx)", (unsigned long long)s.cs.base);
	cr_assert_eq(s.cs.selector, 0, "cs.selector must be 0 (real mode: base = selector * 16)");
	cr_assert_eq(r.rip, MINIKVM_GUEST_AT, "rip must be the guest's first byte (got %#llx)",
		     (unsigned long long)r.rip);
	cr_assert(r.rflags & 2, "rflags bit 1 is reserved: it must be 1");
}

Test(step3, first_exit_is_the_first_out)
{
	setup_to(3);
	/* One KVM_RUN by the grader: the guest's first exit is its OUT of
	 * 'H' to COM1, seen through the student's kvm_run mapping. */
	cr_assert_eq(ioctl(m.vcpu, KVM_RUN, NULL), 0, "KVM_RUN: %s", strerror(errno));
	cr_assert_eq(m.run->exit_reason, KVM_EXIT_IO, "exit reason %u, not KVM_EXIT_IO",
		     m.run->exit_reason);
	cr_assert_eq(m.run->io.port, MINIKVM_PORT_UART);
	cr_assert_eq(((char *)m.run)[m.run->io.data_offset], 'H');
}

/* --- step 4: the run loop --- */

TestSuite(step4, .fini = teardown, .timeout = 60);

Test(step4, transcript_in_process)
{
	setup_to(3);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	cr_assert_not_null(out);
	int rc = minikvm_run(&m, out);
	fclose(out);
	cr_expect_eq(rc, 0, "minikvm_run() must return 0 when the guest halts");
	cr_expect_str_eq(buf, TRANSCRIPT, "the guest's console");
	free(buf);
}

Test(step4, the_program)
{
	setup_to(1); /* (the /dev/kvm check) */
	/* The real program, bounded: its output and exit status. */
	FILE *p = popen("timeout 30 " MINIKVM_BIN " 2>&1", "r");
	cr_assert_not_null(p);
	char buf[512];
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = 0;
	int st = pclose(p);
	cr_assert_str_eq(buf, TRANSCRIPT, MINIKVM_BIN " printed something else");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, MINIKVM_BIN " must exit 0");
}
