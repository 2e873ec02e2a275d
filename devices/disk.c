/*
 * disk.c -- disk images (see disk.h): the command-line syntax, the table
 * of formats, and the raw format, which is the file itself byte for byte.
 */
#include "devices/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- raw: guest byte N is file byte N --- */

static int disk_raw_open(struct disk *d)
{
	struct stat st;
	d->fd = open(d->path, d->ro ? O_RDONLY : O_RDWR);
	if (d->fd < 0) {
		fprintf(stderr, "trapvisor: disk %s: %s\n", d->path, strerror(errno));
		return -1;
	}
	if (fstat(d->fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "trapvisor: disk %s: not a regular file\n", d->path);
		close(d->fd);
		d->fd = -1;
		return -1;
	}
	/* A trailing partial sector is not part of the disk (as QEMU). */
	d->size = (uint64_t)st.st_size / DISK_SECTOR * DISK_SECTOR;
	return 0;
}

/* pread/pwrite until done: they may move fewer bytes than asked. */
static int disk_raw_io(struct disk *d, uint64_t off, void *buf, size_t len, bool write)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n =
		    write ? pwrite(d->fd, p, len, (off_t)off) : pread(d->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "trapvisor: disk %s: %s\n", d->path, strerror(errno));
			return -1;
		}
		if (n == 0) { /* the file shrank under us: the rest reads as 0 */
			if (write)
				return -1;
			memset(p, 0, len);
			return 0;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
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

static int disk_raw_flush(struct disk *d)
{
	if (fdatasync(d->fd)) {
		fprintf(stderr, "trapvisor: disk %s: flush: %s\n", d->path, strerror(errno));
		return -1;
	}
	return 0;
}

static void disk_raw_close(struct disk *d)
{
	close(d->fd);
}

static const struct disk_format disk_formats[] = {
	{ "raw", disk_raw_open, disk_raw_read, disk_raw_write, disk_raw_flush, disk_raw_close },
};

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
				"trapvisor: --disk %s: unknown option '%s' (format=raw, ro, "
				"if=virtio|emulated)\n",
				arg, opt);
			return -1;
		}
		opt = next;
	}
	return 0;
}

int disk_open(struct disk *d, const struct disk_spec *spec)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = spec->path;
	d->ro = spec->ro;
	for (size_t i = 0; i < sizeof(disk_formats) / sizeof(disk_formats[0]); i++)
		if (!strcmp(disk_formats[i].name, spec->format))
			d->fmt = &disk_formats[i];
	if (!d->fmt) {
		fprintf(stderr, "trapvisor: disk %s: unknown format '%s' (raw)\n", spec->path,
			spec->format);
		return -1;
	}
	if (d->fmt->open(d)) {
		d->fmt = NULL;
		return -1;
	}
	return 0;
}

void disk_close(struct disk *d)
{
	if (!d->fmt)
		return;
	d->fmt->close(d);
	d->fmt = NULL;
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
