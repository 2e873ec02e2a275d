/*
 * disk.c -- disk images (see disk.h): the command-line syntax, the table
 * of formats, and the raw format, which is the file itself byte for byte.
 */
#include "devices/disk.h"

#include "devices/qcow2.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- raw: guest byte N is file byte N --- */

static int disk_raw_open(struct disk *d)
{
	struct stat st;
	if (fstat(d->fd, &st))
		return -1;
	/* A trailing partial sector is not part of the disk (as QEMU). */
	d->size = (uint64_t)st.st_size / DISK_SECTOR * DISK_SECTOR;
	return 0;
}

int disk_file_io(int fd, uint64_t off, void *buf, size_t len, bool write)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, (off_t)off) : pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the file ended (shrank under us) */
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int disk_raw_io(struct disk *d, uint64_t off, void *buf, size_t len, bool write)
{
	if (disk_file_io(d->fd, off, buf, len, write)) {
		fprintf(stderr, "trapvisor: disk %s: %s\n", d->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int disk_raw_read(struct disk *d, uint64_t off, void *buf, size_t len)
{
	return disk_raw_io(d, off, buf, len, false);
}

static int disk_raw_write(struct disk *d, uint64_t off, const void *buf, size_t len)
{
	return disk_raw_io(d, off, (void *)buf, len, true);
}

int disk_file_flush(struct disk *d)
{
	if (fdatasync(d->fd)) {
		fprintf(stderr, "trapvisor: disk %s: flush: %s\n", d->path, strerror(errno));
		return -1;
	}
	return 0;
}

static void disk_raw_close(struct disk *d)
{
	(void)d; /* disk_close closes the file */
}

static const struct disk_format disk_raw_format = {
	"raw", disk_raw_open, disk_raw_read, disk_raw_write, disk_file_flush, disk_raw_close,
};

static const struct disk_format *const disk_formats[] = { &disk_raw_format, &qcow2_format };

/* --- the command line --- */

int disk_parse_spec(char *arg, struct disk_spec *spec)
{
	*spec = (struct disk_spec){ .path = arg, .format = "raw", .iface = DISK_IF_VIRTIO };
	char *opt = strchr(arg, ',');
	if (opt)
		*opt++ = 0;
	if (!*arg) {
		fprintf(stderr, "trapvisor: --disk: no file name\n");
		return -1;
	}
	while (opt && *opt) {
		char *next = strchr(opt, ',');
		if (next)
			*next++ = 0;
		if (!strncmp(opt, "format=", 7))
			spec->format = opt + 7;
		else if (!strcmp(opt, "ro"))
			spec->ro = true;
		else if (!strcmp(opt, "if=virtio"))
			spec->iface = DISK_IF_VIRTIO;
		else if (!strcmp(opt, "if=emulated"))
			spec->iface = DISK_IF_EMULATED;
		else {
			fprintf(stderr,
				"trapvisor: --disk %s: unknown option '%s' (format=raw|qcow2, ro, "
				"if=virtio|emulated)\n",
				arg, opt);
			return -1;
		}
		opt = next;
	}
	return 0;
}

/* The format named `name`, or, for NULL, the one the file's first bytes
 * say (qcow2's magic, else raw). */
static const struct disk_format *disk_find_format(struct disk *d, const char *name)
{
	if (!name) {
		uint8_t head[4] = { 0 };
		ssize_t n = pread(d->fd, head, sizeof(head), 0);
		return qcow2_is_magic(head, n > 0 ? (size_t)n : 0) ? &qcow2_format
								   : &disk_raw_format;
	}
	for (size_t i = 0; i < sizeof(disk_formats) / sizeof(disk_formats[0]); i++)
		if (!strcmp(disk_formats[i]->name, name))
			return disk_formats[i];
	fprintf(stderr, "trapvisor: disk %s: unknown format '%s' (raw, qcow2)\n", d->path, name);
	return NULL;
}

/* Open the file, check it is a regular one not already in the chain of
 * `parent`, and hand it to its format. */
static int disk_open_file(struct disk *d, const struct disk_spec *spec, const struct disk *parent)
{
	struct stat st;
	int depth = 0;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = spec->path;
	d->ro = spec->ro;
	d->parent = parent;
	if (spec->format && strcmp(spec->format, "raw") && strcmp(spec->format, "qcow2")) {
		fprintf(stderr, "trapvisor: disk %s: unknown format '%s' (raw, qcow2)\n",
			spec->path, spec->format);
		return -1;
	}
	d->fd = open(d->path, d->ro ? O_RDONLY : O_RDWR);
	if (d->fd < 0) {
		fprintf(stderr, "trapvisor: disk %s: %s\n", d->path, strerror(errno));
		return -1;
	}
	if (fstat(d->fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "trapvisor: disk %s: not a regular file\n", d->path);
		goto out_fd;
	}
	d->dev = (uint64_t)st.st_dev;
	d->ino = (uint64_t)st.st_ino;
	for (const struct disk *p = parent; p; p = p->parent, depth++)
		if (p->dev == d->dev && p->ino == d->ino) {
			fprintf(stderr, "trapvisor: disk %s: backing chain loops (back to %s)\n",
				d->path, p->path);
			goto out_fd;
		}
	if (depth >= 16) {
		fprintf(stderr, "trapvisor: disk %s: backing chain deeper than 16\n", d->path);
		goto out_fd;
	}
	d->fmt = disk_find_format(d, spec->format);
	if (!d->fmt || d->fmt->open(d))
		goto out_fd;
	return 0;

out_fd:
	d->fmt = NULL;
	close(d->fd);
	d->fd = -1;
	return -1;
}

int disk_open(struct disk *d, const struct disk_spec *spec)
{
	return disk_open_file(d, spec, NULL);
}

int disk_open_backing(struct disk *d, const struct disk_spec *spec, const struct disk *parent)
{
	return disk_open_file(d, spec, parent);
}

void disk_close(struct disk *d)
{
	if (!d->fmt)
		return;
	d->fmt->close(d);
	d->fmt = NULL;
	close(d->fd);
	d->fd = -1;
	free(d->own_path);
	d->own_path = NULL;
}

/* [off, off+len) inside the disk, without overflow. */
static bool disk_in_range(const struct disk *d, uint64_t off, size_t len)
{
	return off <= d->size && len <= d->size - off;
}

int disk_read(struct disk *d, uint64_t off, void *buf, size_t len)
{
	if (!disk_in_range(d, off, len) || d->fmt->read(d, off, buf, len))
		return -1;
	d->read_bytes += len;
	return 0;
}

int disk_write(struct disk *d, uint64_t off, const void *buf, size_t len)
{
	if (d->ro || !disk_in_range(d, off, len) || d->fmt->write(d, off, buf, len))
		return -1;
	d->written_bytes += len;
	return 0;
}

int disk_flush(struct disk *d)
{
	return d->ro ? 0 : d->fmt->flush(d);
}
