/*
 * exits.c -- what the monitor does for each KVM exit that reaches user
 * space (see exit.c for the loop and exits.def for the list).
 */
#include "x86-vtx/exits.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	uint32_t reason;
	const char *name, *meaning;
} vtx_exits[] = {
#define EXIT(name, meaning) { KVM_EXIT_##name, "KVM_EXIT_" #name, meaning },
#include "x86-vtx/exits.def"
#undef EXIT
};

const char *vtx_exit_name(uint32_t reason, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(vtx_exits) / sizeof(vtx_exits[0]); i++)
		if (vtx_exits[i].reason == reason) {
			snprintf(buf, len, "%s", vtx_exits[i].name);
			return buf;
		}
	snprintf(buf, len, "KVM_EXIT_%" PRIu32, reason);
	return buf;
}

int vtx_exit_lookup(const char *name)
{
	if (!strncasecmp(name, "KVM_EXIT_", 9))
		name += 9;
	for (size_t i = 0; i < sizeof(vtx_exits) / sizeof(vtx_exits[0]); i++)
		if (!strcasecmp(vtx_exits[i].name + 9, name))
			return (int)vtx_exits[i].reason;
	return -1;
}

const char *vtx_exit_meaning(uint32_t reason)
{
	for (size_t i = 0; i < sizeof(vtx_exits) / sizeof(vtx_exits[0]); i++)
		if (vtx_exits[i].reason == reason)
			return vtx_exits[i].meaning;
	return NULL;
}

/* Little-endian bytes <-> value, for the data KVM leaves in kvm_run. */
static uint64_t vtx_le_get(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void vtx_le_put(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Port I/O.  The CPU exited on IN/OUT (or INS/OUTS, `count` times) because
 * the I/O bitmap in the VMCS marks the port; KVM found no in-kernel device
 * for it.  For OUT the bytes are already in kvm_run; for IN we must put
 * them there, and KVM copies them into RAX (or memory) on the next
 * KVM_RUN -- the instruction completes only when we go back in.
 */
void vtx_exit_io(struct vtx_vcpu *c, struct trace_event *ev)
{
	struct vtx_vm *vm = c->vm;
	struct kvm_run *run = c->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned size = run->io.size;
	int out = run->io.direction == KVM_EXIT_IO_OUT;
	uint64_t val = 0;

	ev->detail = run->io.port;
	pthread_mutex_lock(&vm->bus_lock);
	const struct bus_region *r = bus_find(&vm->pio, run->io.port);
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		if (out) {
			val = vtx_le_get(data, size);
			bus_write(&vm->pio, run->io.port, size, val);
		} else {
			bus_read(&vm->pio, run->io.port, size, &val);
			vtx_le_put(data, size, val);
		}
	}
	pthread_mutex_unlock(&vm->bus_lock);

	int idx = r ? (int)(r - vm->pio.regions) : VTX_PIO_COUNTERS - 1;
	if (idx >= VTX_PIO_COUNTERS)
		idx = VTX_PIO_COUNTERS - 1;
	atomic_fetch_add(&vm->stats.pio_by_region[idx], 1);
	snprintf(ev->action, sizeof(ev->action), "%s%u 0x%x %s 0x%" PRIx64 " %s",
		 out ? "out" : "in", size * 8, run->io.port, out ? "<-" : "->", val,
		 r ? r->name : "unmapped");
}

/* MMIO: a guest load or store hit guest-physical memory with no slot, so
 * the EPT/NPT walk faulted and KVM decoded the instruction for us. */
void vtx_exit_mmio(struct vtx_vcpu *c, struct trace_event *ev)
{
	struct vtx_vm *vm = c->vm;
	struct kvm_run *run = c->run;
	unsigned len = run->mmio.len;
	uint64_t val = 0;

	ev->detail = run->mmio.phys_addr;
	if (len == 0 || len > 8) {
		snprintf(ev->action, sizeof(ev->action), "ignored: %u-byte access", len);
		return;
	}
	pthread_mutex_lock(&vm->bus_lock);
	const struct bus_region *r = bus_find(&vm->mmio, run->mmio.phys_addr);
	if (run->mmio.is_write) {
		val = vtx_le_get(run->mmio.data, len);
		bus_write(&vm->mmio, run->mmio.phys_addr, len, val);
	} else {
		bus_read(&vm->mmio, run->mmio.phys_addr, len, &val);
		vtx_le_put(run->mmio.data, len, val);
	}
	pthread_mutex_unlock(&vm->bus_lock);
	struct vtx_virtio *v = vtx_virtio_at(vm, run->mmio.phys_addr);
	if (v)
		atomic_fetch_add(&v->exits, 1);
	snprintf(ev->action, sizeof(ev->action), "%s%u %s 0x%" PRIx64 " %s",
		 run->mmio.is_write ? "store" : "load", len * 8, run->mmio.is_write ? "<-" : "->",
		 val, r ? r->name : "unmapped");
}

/* With the in-kernel LAPIC, KVM blocks the vCPU on HLT itself and we never
 * see this; kept so a user-space-irqchip experiment has somewhere to go. */
void vtx_exit_hlt(struct vtx_vcpu *c, struct trace_event *ev)
{
	snprintf(ev->action, sizeof(ev->action), "halted: stop");
	vtx_vm_stop(c->vm, VTX_STOP_POWEROFF, "the CPU halted (KVM_EXIT_HLT)");
}

/* A triple fault.  A real PC's chipset turns the CPU's shutdown cycle into
 * a reset; Linux uses that as a last resort to reboot, so it is a normal
 * way for a guest to end. */
void vtx_exit_shutdown(struct vtx_vcpu *c, struct trace_event *ev)
{
	snprintf(ev->action, sizeof(ev->action), "reset: stop");
	vtx_vm_stop(c->vm, VTX_STOP_RESET, "the guest reset (triple fault, KVM_EXIT_SHUTDOWN)");
}

void vtx_exit_system_event(struct vtx_vcpu *c, struct trace_event *ev)
{
	uint32_t type = c->run->system_event.type;
	ev->detail = type;
	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		snprintf(ev->action, sizeof(ev->action), "power off: stop");
		vtx_vm_stop(c->vm, VTX_STOP_POWEROFF,
			    "the guest powered off (KVM_EXIT_SYSTEM_EVENT)");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		snprintf(ev->action, sizeof(ev->action), "reset: stop");
		vtx_vm_stop(c->vm, VTX_STOP_RESET, "the guest reset (KVM_EXIT_SYSTEM_EVENT)");
		break;
	default:
		snprintf(ev->action, sizeof(ev->action), "system event %u: stop", type);
		vtx_vm_stop(c->vm, VTX_STOP_ERROR, "the guest crashed (KVM_EXIT_SYSTEM_EVENT)");
		break;
	}
}

/* VMLAUNCH/VMRUN itself failed: the guest state we (or the guest) set up
 * breaks one of the architecture's entry checks.  The hardware reason is
 * the VMX "basic exit reason" (33 = invalid guest state) or the SVM exit
 * code. */
void vtx_exit_fail_entry(struct vtx_vcpu *c, struct trace_event *ev)
{
	uint64_t hw = c->run->fail_entry.hardware_entry_failure_reason;
	char msg[96];
	ev->detail = hw;
	snprintf(ev->action, sizeof(ev->action), "entry failed: stop");
	snprintf(msg, sizeof(msg), "VM entry failed on vCPU %d, hardware reason 0x%" PRIx64, c->id,
		 hw);
	vtx_vm_stop(c->vm, VTX_STOP_ERROR, msg);
}

/* KVM met an instruction it could not emulate (e.g. MMIO done with an
 * instruction its emulator lacks) or an exit it cannot handle. */
void vtx_exit_internal_error(struct vtx_vcpu *c, struct trace_event *ev)
{
	struct kvm_run *run = c->run;
	char msg[96];
	ev->detail = run->internal.suberror;
	snprintf(ev->action, sizeof(ev->action), "internal error %u: stop", run->internal.suberror);
	snprintf(msg, sizeof(msg), "KVM internal error %u on vCPU %d at rip 0x%llx",
		 run->internal.suberror, c->id, (unsigned long long)run->s.regs.regs.rip);
	vtx_vm_stop(c->vm, VTX_STOP_ERROR, msg);
}

void vtx_exit_unknown(struct vtx_vcpu *c, struct trace_event *ev)
{
	char msg[96];
	snprintf(ev->action, sizeof(ev->action), "not handled: stop");
	snprintf(msg, sizeof(msg), "unhandled exit %s on vCPU %d", ev->cause_name, c->id);
	vtx_vm_stop(c->vm, VTX_STOP_ERROR, msg);
}
