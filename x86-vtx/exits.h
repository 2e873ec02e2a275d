/*
 * exits.h -- one handler per KVM exit reason (exits.c), called from the
 * exit loop (exit.c).  Each fills in ev->action and ev->detail and may
 * stop the VM with vtx_vm_stop().
 */
#ifndef X86_VTX_EXITS_H
#define X86_VTX_EXITS_H

#include "x86-vtx/vtx.h"

void vtx_exit_io(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_mmio(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_hlt(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_shutdown(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_system_event(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_fail_entry(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_internal_error(struct vtx_vcpu *c, struct trace_event *ev);
void vtx_exit_unknown(struct vtx_vcpu *c, struct trace_event *ev);

/* The number of "KVM_EXIT_IO" or "IO" (any case), or -1 if unknown. */
int vtx_exit_lookup(const char *name);

/* The meaning of an exit reason (exits.def), or NULL. */
const char *vtx_exit_meaning(uint32_t reason);

#endif
