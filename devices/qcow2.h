/*
 * qcow2.h -- QEMU's copy-on-write disk image format, version 3 (and the
 * version 2 it extends), our own reader and writer: the format behind
 * `--disk FILE,format=qcow2` (devices/disk.c).
 *
 * The file, in clusters (64 KiB by default; 2^cluster_bits bytes):
 *
 *   +--------+----------+-----------+--------+---------+-------+--------+
 *   | header | refcount | refcount  |   L1   | L2      | data  | data   | ...
 *   |  (+    |  table   | block(s)  | table  | table(s)|       |        |
 *   |  exts) |          |           |        |         |       |        |
 *   +--------+----------+-----------+--------+---------+-------+--------+
 *
 *   guest offset = | L1 index | L2 index (cluster_bits - 3 bits) | in-cluster |
 *   L1[i]  -> an L2 table (one cluster of 64-bit entries), or 0
 *   L2[j]  -> the data cluster (bits 9..55), or 0: not allocated here --
 *             read the backing file, or zeros; bit 0: "reads as zeros";
 *             bit 62: compressed; bit 63 "COPIED": refcount exactly 1
 *   refcount table[k] -> a refcount block: 16-bit big-endian counts, one
 *             per cluster of the file, of how many tables point at it
 *
 * Clusters are allocated on the first write, at the end of the file, so
 * the file grows as the guest writes.  A backing file (qemu-img create
 * -b base -F fmt) supplies what the overlay has not written: reads of an
 * unallocated cluster go there, and a write first copies the cluster up
 * (copy-on-write); the backing file is opened read-only, never written.
 *
 * What we refuse at open, with one line and no write to the file: a bad
 * magic, version or header, anything pointing outside the file or not
 * cluster-aligned, encryption, compressed clusters, extended L2 entries,
 * an external data file, a compression type, internal snapshots, the
 * dirty or corrupt bit, refcount widths other than 16 bits, unknown
 * incompatible features, backing chains deeper than 16 or with a loop.
 *
 * Crash safety: metadata is written in an order that keeps the image
 * consistent for `qemu-img check` whenever the process dies (killed, or
 * crashed): data and a new cluster's refcount reach the file before the
 * L2 entry that points at the cluster, a new L2 table (zeroed, counted)
 * before the L1 entry, a new refcount block before the refcount-table
 * entry.  A kill between those steps can leave a *leaked* cluster
 * (counted, unreferenced: `qemu-img check` says "leaked", exit status 3,
 * and `-r leaks` reclaims it), never a referenced cluster with a
 * count of 0 or one referenced twice.  Each step is a pwrite, so the
 * order holds in the host's page cache; against power loss only a guest
 * FLUSH (fdatasync) is a barrier.
 */
#ifndef DEVICES_QCOW2_H
#define DEVICES_QCOW2_H

#include <stddef.h>
#include <stdint.h>

#include "devices/disk.h"

/* The format's row in disk.c's table. */
extern const struct disk_format qcow2_format;

/* True if the first bytes of a file (at least 4) are qcow2's magic. */
int qcow2_is_magic(const uint8_t *head, size_t len);

/* Validate an image held in memory -- header, extensions, L1, every L2
 * table and the refcount table -- without opening its backing file or
 * writing anything: the pure entry point for a fuzz target.  0 if the
 * image would open, else -1 with the reason in why[0..whylen). */
int qcow2_check_buffer(const uint8_t *buf, size_t len, char *why, size_t whylen);

#endif
