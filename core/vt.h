/*
 * vt.h -- `--mode=vt`: the monitor on TVT, the toy machine's hardware
 * assist (isa-toy/tvt.h).  The guest kernel runs in non-root S-mode, on
 * its own privileged state in the VMCS; the monitor sees only the exits
 * its controls ask for.
 *
 *   --paging=nested  second-stage translation: the monitor owns a
 *                    guest-physical -> machine table that the hardware
 *                    walks; the guest's page tables are its own business.
 *   --paging=shadow  TVT for the CPU, shadow page tables (shadowpt/) for
 *                    memory: satp accesses and page faults exit, as on the
 *                    first VT-x processors, which had no EPT.
 */
#ifndef CORE_VT_H
#define CORE_VT_H

#include "core/monitor.h"

/* Put VM `vm` (its vCPU just reset in vm->vcpu) under TVT: the VMCS,
 * its controls for the monitor's paging, the second-stage table or the
 * shadow glue.  Returns 0, or -1 with a message. */
int vt_vm_init(struct vm *vm);
void vt_vm_destroy(struct vm *vm);

/* Run `vm` for up to `slice` of its instructions (monitor.c's loop). */
enum mon_slice_end vt_slice(struct monitor *mon, struct vm *vm, uint64_t slice);

/* Handle the exit the VM just made (core/vt_exit.c). */
void vt_exit(struct vm *vm, enum tvt_exit_reason reason);

/* Map guest-physical page `gpa` in the VM's second-stage table: its RAM,
 * or the register page of a device assigned to it.  Returns 0, or -1 if
 * it is neither (a device access to emulate). */
int vt_stage2_map(struct vm *vm, uint32_t gpa);
/* Remove guest page `gpage`'s second-stage entry (it is being swapped out
 * under --mem-limit) and flush the hart's TLB entries of the VM. */
void vt_stage2_unmap(struct vm *vm, uint32_t gpage);

#endif
