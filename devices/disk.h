/*
 * disk.h -- a disk image behind an emulated or virtio disk controller:
 * a file in some format, read and written at byte offsets.  The
 * controllers only ever see this interface, so a new format (qcow2) is a
 * new row of struct disk_format, not a change to any controller.
 *
 * The command line names a disk as  FILE[,format=raw][,ro][,if=virtio]
 * (disk_parse_spec).
 */
#ifndef DEVICES_DISK_H
#define DEVICES_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_SECTOR 512u /* the unit of both controllers */

/* Which controller a disk hangs off. */
enum disk_if {
	DISK_IF_VIRTIO,	  /* virtio-blk on a virtio-mmio slot */
	DISK_IF_EMULATED, /* the register-level (IDE PIO-like) controller */
};

/* What --disk said. */
struct disk_spec {
	const char *path;
	const char *format; /* "raw" (the default), "qcow2"; NULL: by the magic */
	bool ro;
	enum disk_if iface;
};

struct disk;

/* One image format.  Every function returns 0, or -1 after a one-line
 * message naming the file and what failed. */
struct disk_format {
	const char *name;
	/* d->fd is open (read-only if d->ro): check the image, set d->size. */
	int (*open)(struct disk *d);
	/* `len` bytes at `off`; the caller keeps [off, off+len) inside
	 * d->size. */
	int (*read)(struct disk *d, uint64_t off, void *buf, size_t len);
	int (*write)(struct disk *d, uint64_t off, const void *buf, size_t len);
	int (*flush)(struct disk *d);
	void (*close)(struct disk *d);
};

struct disk {
	const struct disk_format *fmt;
	const char *path;
	bool ro;
	int fd;
	uint64_t size;		   /* bytes the guest sees */
	void *priv;		   /* the format's own state */
	char *own_path;		   /* path, when it was allocated (backing files) */
	const struct disk *parent; /* the overlay this is the backing file of */
	uint64_t dev, ino;	   /* of the file, to find loops in backing chains */
	/* Counters for --stats and bench disks. */
	uint64_t read_bytes, written_bytes;
};

/* Parse FILE[,format=F][,ro][,if=I] into *spec (which points into
 * `arg`).  0, or -1 after a one-line message on stderr. */
int disk_parse_spec(char *arg, struct disk_spec *spec);

/* Open the image `spec` names.  0, or -1 after a one-line message (no
 * such file, unknown or unsupported format, corrupt image). */
int disk_open(struct disk *d, const struct disk_spec *spec);

/* For the formats: pread (write false) or pwrite `len` bytes at `off`
 * until done; 0, or -1 with errno (EIO if the file ended). */
int disk_file_io(int fd, uint64_t off, void *buf, size_t len, bool write);
/* fdatasync the image file; 0, or -1 after a one-line message. */
int disk_file_flush(struct disk *d);

/* Open the backing file of `parent` (read-only), refusing a chain that
 * loops back to a file already in it or is deeper than 16.  For the
 * formats' open functions; 0 or -1 after a one-line message. */
int disk_open_backing(struct disk *d, const struct disk_spec *spec, const struct disk *parent);

/* Close it (flushing what the format buffers).  Safe on a closed disk. */
void disk_close(struct disk *d);

/* Guest I/O: `len` bytes at byte offset `off`.  0; -1 if the range is
 * outside the disk (checked without overflow), the disk is read-only
 * (writes), or the host file failed (message on stderr). */
int disk_read(struct disk *d, uint64_t off, void *buf, size_t len);
int disk_write(struct disk *d, uint64_t off, const void *buf, size_t len);
int disk_flush(struct disk *d);

#endif
