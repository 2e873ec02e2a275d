/*
 * exit.c -- the KVM exit loop: run the vCPU until the guest does something
 * KVM will not finish on its own, handle that, go back in.
 *
 * Under the hood each ioctl(KVM_RUN) is a VMLAUNCH/VMRESUME (Intel) or a
 * VMRUN (AMD).  The CPU runs the guest in non-root mode until an event
 * that the VMCS (VMCB) says must exit: an I/O instruction to a port KVM
 * does not model, a load or store to guest-physical memory with no RAM
 * behind it, a triple fault, ...  The CPU saves the guest state into the
 * VMCS with an exit reason and qualification, KVM looks at it, and either
 * handles it in the kernel (most exits: HLT, CPUID, MSRs, APIC, PIT, EPT
 * faults) and re-enters, or fills in the shared kvm_run page and returns
 * from KVM_RUN.  Only those reach this loop; --stats shows both kinds.
 */
#include "x86-vtx/vtx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "x86-vtx/exits.h"

static uint64_t vtx_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The guest's privilege as seen at the exit, from the synced segment
 * state: real mode, or ring = CPL, which is the DPL of SS. */
static void vtx_exit_vmode(const struct kvm_run *run, char *buf, size_t len)
{
	const struct kvm_sregs *s = &run->s.regs.sregs;
	if (!(run->kvm_valid_regs & KVM_SYNC_X86_SREGS))
		snprintf(buf, len, "?");
	else if (!(s->cr0 & 1)) /* CR0.PE */
		snprintf(buf, len, "real");
	else
		snprintf(buf, len, "ring%d", s->ss.dpl & 3);
}

void *vtx_exit_loop(void *arg)
{
	struct vtx_vcpu *c = arg;
	struct vtx_vm *vm = c->vm;
	struct kvm_run *run = c->run;

	while (atomic_load(&vm->stop) == VTX_RUNNING) {
		/* Enter the guest.  We come back on an exit KVM hands us, or
		 * with EINTR when another thread kicked us (vtx_vm_stop). */
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			char msg[80];
			snprintf(msg, sizeof(msg), "KVM_RUN on vCPU %d: %s", c->id,
				 strerror(errno));
			vtx_vm_stop(vm, VTX_STOP_ERROR, msg);
			break;
		}
		uint64_t t0 = vtx_now_ns();

		/* One event per exit; the handler fills in action/detail. */
		struct trace_event ev = { .vcpu = c->id, .cause = run->exit_reason };
		vtx_exit_name(run->exit_reason, ev.cause_name, sizeof(ev.cause_name));
		ev.pc = run->s.regs.regs.rip;
		vtx_exit_vmode(run, ev.vmode, sizeof(ev.vmode));

		/* One short switch: each reason has its own handler in
		 * exits.c.  A handler returns 0 to run on, or stops the VM. */
		switch (run->exit_reason) {
		case KVM_EXIT_IO: /* IN/OUT/INS/OUTS to a port not in KVM */
			vtx_exit_io(c, &ev);
			break;
		case KVM_EXIT_MMIO: /* load/store to guest-physical non-RAM */
			vtx_exit_mmio(c, &ev);
			break;
		case KVM_EXIT_HLT: /* only without an in-kernel LAPIC */
			vtx_exit_hlt(c, &ev);
			break;
		case KVM_EXIT_SHUTDOWN: /* triple fault: the PC resets */
			vtx_exit_shutdown(c, &ev);
			break;
		case KVM_EXIT_SYSTEM_EVENT: /* PSCI-like reset/shutdown request */
			vtx_exit_system_event(c, &ev);
			break;
		case KVM_EXIT_INTR: /* a signal for this thread: check stop */
			snprintf(ev.action, sizeof(ev.action), "interrupted by a signal");
			break;
		case KVM_EXIT_FAIL_ENTRY: /* VMLAUNCH/VMRUN refused the state */
			vtx_exit_fail_entry(c, &ev);
			break;
		case KVM_EXIT_INTERNAL_ERROR: /* KVM could not emulate something */
			vtx_exit_internal_error(c, &ev);
			break;
		default: vtx_exit_unknown(c, &ev); break;
		}

		ev.cost_ns = vtx_now_ns() - t0;
		uint32_t r =
		    run->exit_reason < VTX_EXIT_REASONS ? run->exit_reason : VTX_EXIT_REASONS - 1;
		atomic_fetch_add(&vm->stats.by_reason[r], 1);
		atomic_fetch_add(&vm->stats.ns_by_reason[r], ev.cost_ns);
		pthread_mutex_lock(&vm->trace_lock);
		trace_emit(&vm->trace, &ev);
		bool lost = vm->trace.failed;
		pthread_mutex_unlock(&vm->trace_lock);
		/* The trace is output: once a record is lost, the run ends
		 * (trace_emit has said why, in one line). */
		if (lost)
			vtx_vm_stop(vm, VTX_STOP_TRACE, "a --trace write failed");

		/* --stop-after-exits N [--stop-on REASON]: a stop point for
		 * `x86 walk`, after N exits (of that reason only, if given). */
		if (vm->stop_on < 0 || (uint32_t)vm->stop_on == run->exit_reason) {
			uint64_t n = atomic_fetch_add(&vm->exits, 1) + 1;
			if (vm->stop_after_exits && n >= vm->stop_after_exits)
				vtx_vm_stop(
				    vm, vm->snapshot_at_limit ? VTX_STOP_SNAPSHOT : VTX_STOP_LIMIT,
				    vm->snapshot_at_limit ? "--snapshot-on exits reached"
							  : "--stop-after-exits reached");
		}
	}
	return NULL;
}
