/*
 * stats.c -- --stats: the exits that reached us, by reason, and the ones
 * KVM handled without us, from KVM's binary statistics file
 * (KVM_GET_STATS_FD, Linux 5.14+).
 *
 * The binary stats file of a VM or vCPU:
 *
 *   offset 0            struct kvm_stats_header
 *   id_offset           an id string ("kvm-1234/vcpu-0")
 *   desc_offset         num_desc x (struct kvm_stats_desc + name_size bytes)
 *   data_offset         the values: desc.size u64s at data_offset + desc.offset
 *
 * Read with pread() any time; the values are live counters.
 */
#include "x86-vtx/vtx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "x86-vtx/exits.h"

#define VTX_STATS_MAX 256

struct vtx_kstat {
	char name[64];
	uint64_t value;
};

/* Add the cumulative single-value counters of one stats fd into `st`.
 * Returns how many distinct names `st` holds, or -1 if unreadable. */
static int vtx_kstats_add(int fd, struct vtx_kstat *st, int n)
{
	struct kvm_stats_header h;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.name_size == 0 ||
	    h.name_size > 256)
		return -1;
	size_t dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	struct kvm_stats_desc *d = malloc(dsz);
	if (!d)
		return -1;
	for (uint32_t i = 0; i < h.num_desc; i++) {
		if (pread(fd, d, dsz, h.desc_offset + (off_t)i * (off_t)dsz) != (ssize_t)dsz)
			break;
		uint32_t type = d->flags & KVM_STATS_TYPE_MASK;
		if (d->size != 1 || type != KVM_STATS_TYPE_CUMULATIVE)
			continue; /* histograms, peaks and gauges: not counts */
		uint64_t v;
		if (pread(fd, &v, sizeof(v), h.data_offset + d->offset) != (ssize_t)sizeof(v))
			continue;
		d->name[h.name_size - 1] = 0;
		int j = 0;
		while (j < n && strcmp(st[j].name, d->name))
			j++;
		if (j == n) {
			if (n == VTX_STATS_MAX)
				continue;
			snprintf(st[n].name, sizeof(st[n].name), "%s", d->name);
			st[n++].value = 0;
		}
		st[j].value += v;
	}
	free(d);
	return n;
}

/* KVM's in-kernel counters: summed over the vCPUs, then the VM's own. */
static void vtx_kstats_print(struct vtx_vm *vm, FILE *f)
{
	static struct vtx_kstat st[VTX_STATS_MAX];
	int n = 0;
	for (int i = 0; i < vm->ncpus; i++) {
		int fd = ioctl(vm->vcpus[i].fd, KVM_GET_STATS_FD, NULL);
		if (fd < 0) {
			fprintf(
			    f,
			    "kvm in-kernel exits: not offered by this kernel (KVM_GET_STATS_FD)\n");
			return;
		}
		int m = vtx_kstats_add(fd, st, n);
		close(fd);
		if (m >= 0)
			n = m;
	}
	int vcpu_n = n;
	int fd = ioctl(vm->vm_fd, KVM_GET_STATS_FD, NULL);
	if (fd >= 0) {
		int m = vtx_kstats_add(fd, st, n);
		if (m >= 0)
			n = m;
		close(fd);
	}
	fprintf(f, "kvm in-kernel statistics (KVM_GET_STATS_FD, non-zero counters):\n");
	for (int i = 0; i < n; i++)
		if (st[i].value)
			fprintf(f, "  %-4s %-28s %12" PRIu64 "\n", i < vcpu_n ? "vcpu" : "vm",
				st[i].name, st[i].value);
}

/* Exits per KiB moved: what a device costs in trips through the monitor.
 * COM1 takes one OUT per byte (and the 8250 driver reads LSR before each);
 * virtio-blk takes a few MMIO exits (QueueNotify, InterruptStatus,
 * InterruptACK) per request of up to a segment of data. */
static void vtx_devices_print(struct vtx_vm *vm, FILE *f)
{
	uint64_t com1 = 0;
	for (int i = 0; i < vm->pio.count && i < VTX_PIO_COUNTERS - 1; i++)
		if (!strcmp(vm->pio.regions[i].name, "com1"))
			com1 = atomic_load(&vm->stats.pio_by_region[i]);
	fprintf(f, "exits per KiB of data moved:\n");
	fprintf(f, "  %-12s %10" PRIu64 " exits, %10" PRIu64 " bytes out: %10.1f exits/KiB\n",
		"com1", com1, vm->com1_tx,
		vm->com1_tx ? (double)com1 * 1024.0 / (double)vm->com1_tx : 0.0);
	for (int i = 0; i < vm->nvirtio; i++) {
		struct vtx_virtio *v = &vm->virtio[i];
		uint64_t n = atomic_load(&v->exits);
		if (v->is_net) {
			fprintf(f,
				"  %-12s %10" PRIu64 " exits, %" PRIu64 " frames sent, %" PRIu64
				" received, %" PRIu64 " dropped (no buffer or too big)%s%s\n",
				v->name, n, v->net.stats.tx_frames, v->net.stats.rx_frames,
				v->net.stats.rx_dropped + v->net.stats.tx_dropped,
				v->net.dev.error ? "; failed: " : "",
				v->net.dev.error ? v->net.dev.error : "");
			continue;
		}
		uint64_t bytes = v->disk.read_bytes + v->disk.written_bytes;
		fprintf(f,
			"  %-12s %10" PRIu64 " exits, %10" PRIu64 " bytes r+w: %10.2f exits/KiB"
			" (%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64 " flushes, %" PRIu64
			" interrupts%s%s)\n",
			v->name, n, bytes, bytes ? (double)n * 1024.0 / (double)bytes : 0.0,
			v->blk.stats.reads, v->blk.stats.writes, v->blk.stats.flushes,
			v->blk.dev.stats.interrupts, v->blk.dev.error ? "; failed: " : "",
			v->blk.dev.error ? v->blk.dev.error : "");
	}
}

void vtx_stats_print(struct vtx_vm *vm, FILE *f)
{
	uint64_t total = 0;
	for (int r = 0; r < VTX_EXIT_REASONS; r++)
		total += atomic_load(&vm->stats.by_reason[r]);
	fprintf(f, "exits to user space: %" PRIu64 "\n", total);
	fprintf(f, "  %-24s %10s %10s  %s\n", "reason", "count", "avg ns", "meaning");
	for (uint32_t r = 0; r < VTX_EXIT_REASONS; r++) {
		uint64_t n = atomic_load(&vm->stats.by_reason[r]);
		if (!n)
			continue;
		char name[TRACE_TEXT];
		const char *m = vtx_exit_meaning(r);
		fprintf(f, "  %-24s %10" PRIu64 " %10" PRIu64 "  %s\n",
			vtx_exit_name(r, name, sizeof(name)), n,
			atomic_load(&vm->stats.ns_by_reason[r]) / n, m ? m : "");
	}
	fprintf(f, "port I/O exits by device:\n");
	for (int i = 0; i < VTX_PIO_COUNTERS; i++) {
		uint64_t n = atomic_load(&vm->stats.pio_by_region[i]);
		if (!n)
			continue;
		const char *name = i < vm->pio.count && i < VTX_PIO_COUNTERS - 1
				       ? vm->pio.regions[i].name
				       : "unmapped (ignored)";
		fprintf(f, "  %-24s %10" PRIu64 "\n", name, n);
	}
	vtx_devices_print(vm, f);
	vtx_kstats_print(vm, f);
}
