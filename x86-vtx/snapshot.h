/*
 * snapshot.h -- save a running VM to a file, restore it in a new process
 * (see snapshot.c for what is in the file and why).
 */
#ifndef X86_VTX_SNAPSHOT_H
#define X86_VTX_SNAPSHOT_H

#include "x86-vtx/boot.h"
#include "x86-vtx/vtx.h"

#define VTX_SNAP_PATH 512

/* The machine a snapshot needs around it: a restore builds the same one
 * (same RAM, vCPUs and CPUID, the same disk files, the same network)
 * before loading the state into it. */
struct vtx_snap_config {
	uint64_t mem_size;
	uint32_t ncpus, hide_hypervisor;
	uint32_t ndisks, pad;
	struct {
		char path[VTX_SNAP_PATH];
		char format[8]; /* "" = by the image's magic */
		uint32_t ro, pad;
	} disk[VTX_VIRTIO_MAX];
	struct vtx_net_spec net;
};

struct vtx_snapshot;

/* Write the whole VM to `path`.  Every vCPU thread must have stopped.
 * 0, or -1 after a one-line message. */
int vtx_snapshot_save(struct vtx_vm *vm, const struct vtx_snap_config *cfg, const char *path);

/* Read and check a snapshot file (header, version, every section's length
 * and checksum) without touching KVM.  NULL after a one-line message. */
struct vtx_snapshot *vtx_snapshot_read(const char *path);
/* The machine it describes (points into the snapshot). */
const struct vtx_snap_config *vtx_snapshot_config(const struct vtx_snapshot *s);
/* Load it into `vm`, which was built from its config (vCPUs and devices
 * created, nothing run).  0, or -1 after a one-line message. */
int vtx_snapshot_restore(struct vtx_vm *vm, const struct vtx_snapshot *s);
void vtx_snapshot_free(struct vtx_snapshot *s);

#endif
