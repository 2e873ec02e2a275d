/*
 * qcow2.c -- qcow2 images (see qcow2.h for the layout, what is refused
 * and the crash guarantee).  All on-disk numbers are big-endian.
 *
 * The reader is written against a small I/O interface (struct qcow2_io),
 * so that the same validation runs on a file and on a buffer in memory
 * (qcow2_check_buffer, for fuzzing).  Every offset and count read from
 * the file is checked before it is used, with arithmetic that cannot
 * overflow: the image is input, and input can be hostile.
 */
#define _GNU_SOURCE /* asprintf */
#include "devices/qcow2.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QCOW2_MAGIC	  0x514649fbu /* "QFI\xfb" */
#define QCOW2_V2_HEADER	  72u
#define QCOW2_V3_HEADER	  104u
#define QCOW2_MAX_BACKING 1023u
#define QCOW2_MAX_L1	  (32u << 20)		/* entries: 256 MiB of L1, QEMU's limit */
#define QCOW2_MAX_RT	  (8u << 20)		/* refcount table clusters, as QEMU */
#define QCOW2_MAX_DEPTH	  16			/* backing chain */
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ull /* bits 9..55 */
#define QCOW2_COPIED	  (1ull << 63)
#define QCOW2_COMPRESSED  (1ull << 62)
#define QCOW2_ZERO	  1ull			/* L2: reads as zeros (v3) */
#define QCOW2_L1_RESERVED 0x7f000000000001ffull /* bits 0..8, 56..62 */
#define QCOW2_L2_RESERVED 0x3f000000000001feull /* bits 1..8, 56..61 */
#define QCOW2_RT_RESERVED 0x1ffull

/* Incompatible feature bits. */
#define QCOW2_INCOMPAT_DIRTY	   (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT	   (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE   (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2	   (1ull << 4)

/* Header extension types. */
#define QCOW2_EXT_END	      0x00000000u
#define QCOW2_EXT_BACKING_FMT 0xe2792acau
#define QCOW2_EXT_DATA_FILE   0x44415441u

/* Header field offsets. */
#define QH_VERSION	  4
#define QH_BACKING_OFF	  8
#define QH_BACKING_SIZE	  16
#define QH_CLUSTER_BITS	  20
#define QH_SIZE		  24
#define QH_CRYPT	  32
#define QH_L1_SIZE	  36
#define QH_L1_OFF	  40
#define QH_RT_OFF	  48
#define QH_RT_CLUSTERS	  56
#define QH_NB_SNAPSHOTS	  60
#define QH_INCOMPAT	  72
#define QH_AUTOCLEAR	  88
#define QH_REFCOUNT_ORDER 96
#define QH_HEADER_LENGTH  100

/* Where the bytes come from: a file, or a buffer (fuzzing). */
struct qcow2_io {
	int fd; /* -1: the buffer */
	const uint8_t *mem;
	uint64_t size; /* of the file or buffer */
};

struct qcow2 {
	struct qcow2_io io;
	const char *path;
	char *why; /* validation: where the message goes */
	size_t whylen;
	uint32_t cluster_bits;
	uint64_t cs;	     /* cluster size */
	uint64_t l2_entries; /* per L2 table: cs / 8 */
	uint64_t size;	     /* guest bytes */
	uint32_t l1_size;
	uint64_t l1_off, *l1;
	uint64_t rt_off, rt_entries, *rt;
	uint64_t end; /* the next free cluster: the file's end, aligned */
	char backing[QCOW2_MAX_BACKING + 1], backing_fmt[32];
	struct disk *back; /* open backing file, or NULL */
	uint8_t *buf;	   /* one cluster */
};

static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, int n, uint64_t v)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Record why the image is refused; returns -1. */
static int qcow2_bad(struct qcow2 *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int qcow2_bad(struct qcow2 *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->why, q->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* [off, off+len) inside the file, without overflow. */
static bool qcow2_in_file(const struct qcow2 *q, uint64_t off, uint64_t len)
{
	return off <= q->io.size && len <= q->io.size - off;
}

static int qcow2_pread(struct qcow2 *q, uint64_t off, void *buf, size_t len)
{
	if (!qcow2_in_file(q, off, len))
		return -1;
	if (q->io.fd < 0) {
		memcpy(buf, q->io.mem + off, len);
		return 0;
	}
	return disk_file_io(q->io.fd, off, buf, len, false);
}

static int qcow2_pwrite(struct qcow2 *q, uint64_t off, const void *buf, size_t len)
{
	if (disk_file_io(q->io.fd, off, (void *)buf, len, true)) {
		fprintf(stderr, "trapvisor: disk %s: qcow2 write: %s\n", q->path, strerror(errno));
		return -1;
	}
	if (off + len > q->io.size)
		q->io.size = off + len;
	return 0;
}

/* A cluster-aligned offset whose whole cluster is inside the file. */
static bool qcow2_cluster_ok(const struct qcow2 *q, uint64_t off)
{
	return !(off & (q->cs - 1)) && qcow2_in_file(q, off, q->cs);
}

/* --- validation --- */

static int qcow2_header(struct qcow2 *q, uint8_t *h, uint32_t *hlen, uint64_t *incompat)
{
	if (qcow2_pread(q, 0, h, QCOW2_V2_HEADER))
		return qcow2_bad(q, "shorter than a qcow2 header");
	if (be(h, 4) != QCOW2_MAGIC)
		return qcow2_bad(q, "not a qcow2 image (bad magic)");
	uint32_t version = (uint32_t)be(h + QH_VERSION, 4);
	if (version != 2 && version != 3)
		return qcow2_bad(q, "qcow2 version %u (2 and 3 are supported)", version);
	*hlen = QCOW2_V2_HEADER;
	*incompat = 0;
	if (version == 3) {
		if (qcow2_pread(q, 0, h, QCOW2_V3_HEADER))
			return qcow2_bad(q, "truncated version 3 header");
		*hlen = (uint32_t)be(h + QH_HEADER_LENGTH, 4);
		*incompat = be(h + QH_INCOMPAT, 8);
		if (*hlen < QCOW2_V3_HEADER || *hlen % 8)
			return qcow2_bad(q, "bad header length %u", *hlen);
		if (be(h + QH_REFCOUNT_ORDER, 4) != 4)
			return qcow2_bad(q, "refcount width %u bits (only 16 is supported)",
					 1u << (be(h + QH_REFCOUNT_ORDER, 4) & 31));
	}
	q->cluster_bits = (uint32_t)be(h + QH_CLUSTER_BITS, 4);
	if (q->cluster_bits < 9 || q->cluster_bits > 21)
		return qcow2_bad(q, "cluster size 2^%u (2^9..2^21 are valid)", q->cluster_bits);
	q->cs = 1ull << q->cluster_bits;
	q->l2_entries = q->cs / 8;
	if (*hlen > q->cs)
		return qcow2_bad(q, "header longer than a cluster");
	q->size = be(h + QH_SIZE, 8);
	if (q->size > (1ull << 50))
		return qcow2_bad(q, "virtual size %llu is too large", (unsigned long long)q->size);

	/* The features we refuse, most specific first. */
	static const struct {
		uint64_t bit;
		const char *what;
	} refused[] = {
		{ QCOW2_INCOMPAT_CORRUPT, "the image is marked corrupt (qemu-img check -r all)" },
		{ QCOW2_INCOMPAT_DIRTY,
		  "the image is dirty (lazy refcounts; qemu-img check -r all)" },
		{ QCOW2_INCOMPAT_DATA_FILE, "external data files are not supported" },
		{ QCOW2_INCOMPAT_COMPRESSION,
		  "compression types other than zlib are not supported" },
		{ QCOW2_INCOMPAT_EXTL2, "extended L2 entries (subclusters) are not supported" },
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (*incompat & refused[i].bit)
			return qcow2_bad(q, "%s", refused[i].what);
	if (*incompat)
		return qcow2_bad(q, "unknown incompatible features %#llx",
				 (unsigned long long)*incompat);
	if (be(h + QH_CRYPT, 4))
		return qcow2_bad(q, "encrypted images are not supported");
	if (be(h + QH_NB_SNAPSHOTS, 4))
		return qcow2_bad(q, "internal snapshots are not supported");
	return 0;
}

/* The backing file name and the header extensions after the header. */
static int qcow2_extensions(struct qcow2 *q, const uint8_t *h, uint32_t hlen)
{
	uint64_t boff = be(h + QH_BACKING_OFF, 8);
	uint32_t bsize = (uint32_t)be(h + QH_BACKING_SIZE, 4);
	if (boff) {
		if (bsize == 0 || bsize > QCOW2_MAX_BACKING || boff > q->cs ||
		    bsize > q->cs - boff || qcow2_pread(q, boff, q->backing, bsize))
			return qcow2_bad(q, "bad backing file name field");
		q->backing[bsize] = 0;
		if (strlen(q->backing) != bsize)
			return qcow2_bad(q, "backing file name holds a NUL byte");
	}
	uint64_t off = hlen;
	for (int n = 0; n < 1024; n++) {
		uint8_t e[8];
		if (off > q->cs - 8 || qcow2_pread(q, off, e, 8))
			return qcow2_bad(q, "header extensions run past the first cluster");
		uint32_t type = (uint32_t)be(e, 4), len = (uint32_t)be(e + 4, 4);
		off += 8;
		if (type == QCOW2_EXT_END)
			return 0;
		if (len > q->cs - off)
			return qcow2_bad(q, "header extension %#x runs past the first cluster",
					 type);
		if (type == QCOW2_EXT_DATA_FILE)
			return qcow2_bad(q, "external data files are not supported");
		if (type == QCOW2_EXT_BACKING_FMT) {
			if (len >= sizeof(q->backing_fmt) ||
			    qcow2_pread(q, off, q->backing_fmt, len))
				return qcow2_bad(q, "bad backing format extension");
			q->backing_fmt[len] = 0;
		}
		off += (len + 7u) & ~7u;
	}
	return qcow2_bad(q, "too many header extensions");
}

/* Every L2 entry of table `l2` must point at a whole cluster in the
 * file, with no reserved bit and no compression. */
static int qcow2_check_l2(struct qcow2 *q, uint64_t l2)
{
	if (qcow2_pread(q, l2, q->buf, q->cs))
		return qcow2_bad(q, "L2 table outside the file");
	for (uint64_t j = 0; j < q->l2_entries; j++) {
		uint64_t e = be(q->buf + 8 * j, 8);
		if (e & QCOW2_COMPRESSED)
			return qcow2_bad(q, "compressed clusters are not supported");
		if (e & QCOW2_L2_RESERVED)
			return qcow2_bad(q, "L2 entry with reserved bits set");
		uint64_t off = e & QCOW2_OFFSET_MASK;
		if (off && !qcow2_cluster_ok(q, off))
			return qcow2_bad(q, "data cluster %#llx misaligned or outside the file",
					 (unsigned long long)off);
	}
	return 0;
}

static int qcow2_tables(struct qcow2 *q, const uint8_t *h)
{
	q->l1_size = (uint32_t)be(h + QH_L1_SIZE, 4);
	q->l1_off = be(h + QH_L1_OFF, 8);
	/* Enough L1 entries for the virtual size. */
	uint64_t per_l1 = q->cs * q->l2_entries;
	uint64_t need = q->size / per_l1 + (q->size % per_l1 != 0);
	if (q->l1_size > QCOW2_MAX_L1 || q->l1_size < need)
		return qcow2_bad(q, "L1 table of %u entries for a %llu-byte disk", q->l1_size,
				 (unsigned long long)q->size);
	if (q->l1_size &&
	    ((q->l1_off & (q->cs - 1)) || !qcow2_in_file(q, q->l1_off, 8ull * q->l1_size)))
		return qcow2_bad(q, "L1 table misaligned or outside the file");
	uint32_t rtc = (uint32_t)be(h + QH_RT_CLUSTERS, 4);
	q->rt_off = be(h + QH_RT_OFF, 8);
	if (rtc == 0 || rtc > QCOW2_MAX_RT || (q->rt_off & (q->cs - 1)) ||
	    !qcow2_in_file(q, q->rt_off, (uint64_t)rtc * q->cs))
		return qcow2_bad(q, "refcount table misaligned or outside the file");
	q->rt_entries = (uint64_t)rtc * q->cs / 8;

	q->l1 = calloc(q->l1_size ? q->l1_size : 1, 8);
	q->rt = calloc(q->rt_entries, 8);
	if (!q->l1 || !q->rt)
		return qcow2_bad(q, "out of memory for its tables");
	uint8_t e[8];
	for (uint32_t i = 0; i < q->l1_size; i++) {
		if (qcow2_pread(q, q->l1_off + 8ull * i, e, 8))
			return qcow2_bad(q, "L1 table outside the file");
		uint64_t v = be(e, 8);
		if (v & QCOW2_L1_RESERVED)
			return qcow2_bad(q, "L1 entry %u with reserved bits set", i);
		uint64_t l2 = v & QCOW2_OFFSET_MASK;
		if (l2 && !qcow2_cluster_ok(q, l2))
			return qcow2_bad(q, "L2 table %#llx misaligned or outside the file",
					 (unsigned long long)l2);
		if (l2 && qcow2_check_l2(q, l2))
			return -1;
		q->l1[i] = v;
	}
	for (uint64_t k = 0; k < q->rt_entries; k++) {
		if (qcow2_pread(q, q->rt_off + 8 * k, e, 8))
			return qcow2_bad(q, "refcount table outside the file");
		uint64_t v = be(e, 8);
		if ((v & QCOW2_RT_RESERVED) || (v && !qcow2_cluster_ok(q, v)))
			return qcow2_bad(q, "refcount block %#llx misaligned or outside the file",
					 (unsigned long long)v);
		q->rt[k] = v;
	}
	return 0;
}

/* Everything but the backing file: header, extensions, tables. */
static int qcow2_validate(struct qcow2 *q, uint64_t *autoclear)
{
	uint8_t h[QCOW2_V3_HEADER];
	uint32_t hlen = 0;
	uint64_t incompat;
	memset(h, 0, sizeof(h));
	if (qcow2_header(q, h, &hlen, &incompat))
		return -1;
	*autoclear = hlen >= QCOW2_V3_HEADER ? be(h + QH_AUTOCLEAR, 8) : 0;
	q->buf = malloc(q->cs);
	if (!q->buf)
		return qcow2_bad(q, "out of memory");
	if (qcow2_extensions(q, h, hlen) || qcow2_tables(q, h))
		return -1;
	q->end = (q->io.size + q->cs - 1) & ~(q->cs - 1);
	return 0;
}

static void qcow2_free(struct qcow2 *q)
{
	free(q->l1);
	free(q->rt);
	free(q->buf);
	if (q->back) {
		disk_close(q->back);
		free(q->back);
	}
	free(q);
}

int qcow2_is_magic(const uint8_t *head, size_t len)
{
	return len >= 4 && be(head, 4) == QCOW2_MAGIC;
}

int qcow2_check_buffer(const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	struct qcow2 *q = calloc(1, sizeof(*q));
	uint64_t autoclear;
	if (!q) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	q->io = (struct qcow2_io){ -1, buf, len };
	q->why = why;
	q->whylen = whylen;
	int rc = qcow2_validate(q, &autoclear);
	qcow2_free(q);
	return rc;
}

/* --- refcounts and allocation --- */

/* Set the refcount of the cluster at `off` to `n`, making a refcount
 * block if there is none for it yet. */
static int qcow2_refcount_set(struct qcow2 *q, uint64_t off, uint16_t n, int depth)
{
	uint64_t per_block = q->cs / 2, c = off >> q->cluster_bits;
	uint64_t bi = c / per_block;
	if (bi >= q->rt_entries || depth > 2) {
		fprintf(stderr, "trapvisor: disk %s: qcow2: refcount table full\n", q->path);
		return -1;
	}
	if (!q->rt[bi]) {
		/* A new block at the end of the file, counting itself when it
		 * falls in its own range; written before the table points at
		 * it, so a kill in between only leaks it. */
		uint64_t blk = q->end;
		q->end += q->cs;
		memset(q->buf, 0, q->cs);
		uint64_t bc = blk >> q->cluster_bits;
		if (bc / per_block == bi)
			put_be(q->buf + 2 * (bc % per_block), 2, 1);
		uint8_t e[8];
		put_be(e, 8, blk);
		if (qcow2_pwrite(q, blk, q->buf, q->cs) ||
		    qcow2_pwrite(q, q->rt_off + 8 * bi, e, 8))
			return -1;
		q->rt[bi] = blk;
		if (bc / per_block != bi && qcow2_refcount_set(q, blk, 1, depth + 1))
			return -1;
	}
	uint8_t v[2];
	put_be(v, 2, n);
	return qcow2_pwrite(q, q->rt[bi] + 2 * (c % per_block), v, 2);
}

static int qcow2_refcount_get(struct qcow2 *q, uint64_t off, uint16_t *n)
{
	uint64_t per_block = q->cs / 2, c = off >> q->cluster_bits, bi = c / per_block;
	uint8_t v[2];
	*n = 0;
	if (bi >= q->rt_entries || !q->rt[bi])
		return 0;
	if (qcow2_pread(q, q->rt[bi] + 2 * (c % per_block), v, 2))
		return -1;
	*n = (uint16_t)be(v, 2);
	return 0;
}

/* A fresh cluster at the end of the file, counted once. */
static int qcow2_alloc(struct qcow2 *q, uint64_t *off)
{
	*off = q->end;
	q->end += q->cs;
	return qcow2_refcount_set(q, *off, 1, 0);
}

/* --- guest I/O, one cluster at a time --- */

/* The L2 entry for guest offset `g`, and where it lives (0: no table). */
static int qcow2_l2_entry(struct qcow2 *q, uint64_t g, uint64_t *at, uint64_t *e)
{
	uint64_t ci = g >> q->cluster_bits;
	uint64_t l2 = q->l1[ci / q->l2_entries] & QCOW2_OFFSET_MASK;
	uint8_t b[8];
	*at = *e = 0;
	if (!l2)
		return 0;
	*at = l2 + 8 * (ci % q->l2_entries);
	if (qcow2_pread(q, *at, b, 8))
		return -1;
	*e = be(b, 8);
	return 0;
}

/* Guest bytes [g, g+len) of one cluster as they read now. */
static int qcow2_read_part(struct qcow2 *q, uint64_t g, uint8_t *buf, size_t len)
{
	uint64_t at, e;
	if (qcow2_l2_entry(q, g, &at, &e))
		return -1;
	uint64_t host = e & QCOW2_OFFSET_MASK;
	if (e & QCOW2_ZERO) {
		memset(buf, 0, len);
	} else if (host) {
		if (qcow2_pread(q, host + (g & (q->cs - 1)), buf, len))
			return -1;
	} else if (q->back && g < q->back->size) {
		/* Not written here: the backing file, zeros past its end. */
		size_t n = q->back->size - g < len ? (size_t)(q->back->size - g) : len;
		if (disk_read(q->back, g, buf, n))
			return -1;
		memset(buf + n, 0, len - n);
	} else {
		memset(buf, 0, len);
	}
	return 0;
}

static int qcow2_write_part(struct qcow2 *q, uint64_t g, const uint8_t *buf, size_t len)
{
	uint64_t ci = g >> q->cluster_bits, l1i = ci / q->l2_entries;
	uint64_t in = g & (q->cs - 1), at, e;
	uint16_t rc = 0;

	if (!(q->l1[l1i] & QCOW2_OFFSET_MASK)) {
		/* A new L2 table: counted, zeroed, then linked from L1. */
		uint64_t t;
		uint8_t b[8];
		if (qcow2_alloc(q, &t))
			return -1;
		memset(q->buf, 0, q->cs);
		put_be(b, 8, t | QCOW2_COPIED);
		if (qcow2_pwrite(q, t, q->buf, q->cs) || qcow2_pwrite(q, q->l1_off + 8 * l1i, b, 8))
			return -1;
		q->l1[l1i] = t | QCOW2_COPIED;
	}
	if (qcow2_l2_entry(q, g, &at, &e))
		return -1;
	uint64_t host = e & QCOW2_OFFSET_MASK;
	if (host && qcow2_refcount_get(q, host, &rc))
		return -1;
	if (host && rc == 1 && !(e & QCOW2_ZERO)) {
		/* Ours alone: in place. */
		return qcow2_pwrite(q, host + in, buf, len);
	}
	/* Copy on write: the whole cluster as it reads now, with the new
	 * bytes over it, to a cluster of our own (or in place, when the
	 * cluster is ours but reads as zeros). */
	uint8_t *c = malloc(q->cs);
	if (!c)
		return -1;
	int err = qcow2_read_part(q, ci << q->cluster_bits, c, q->cs);
	memcpy(c + in, buf, len);
	uint64_t dst = host;
	if (!err && !(host && rc == 1))
		err = qcow2_alloc(q, &dst);
	if (!err)
		err = qcow2_pwrite(q, dst, c, q->cs);
	free(c);
	if (err)
		return -1;
	/* Last: the L2 entry that makes the new data visible. */
	uint8_t b[8];
	put_be(b, 8, dst | QCOW2_COPIED);
	return qcow2_pwrite(q, at, b, 8);
}

/* Split [off, off+len) at cluster boundaries. */
static int qcow2_io(struct disk *d, uint64_t off, uint8_t *buf, size_t len, bool write)
{
	struct qcow2 *q = d->priv;
	while (len) {
		size_t n = q->cs - (off & (q->cs - 1));
		if (n > len)
			n = len;
		if (write ? qcow2_write_part(q, off, buf, n) : qcow2_read_part(q, off, buf, n))
			return -1;
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int qcow2_read(struct disk *d, uint64_t off, void *buf, size_t len)
{
	return qcow2_io(d, off, buf, len, false);
}

static int qcow2_write(struct disk *d, uint64_t off, const void *buf, size_t len)
{
	return qcow2_io(d, off, (uint8_t *)buf, len, true);
}

static void qcow2_close(struct disk *d)
{
	qcow2_free(d->priv);
	d->priv = NULL;
}

/* The backing file: relative names are relative to the overlay's folder. */
static int qcow2_open_backing(struct disk *d, struct qcow2 *q)
{
	char *dir = strdup(d->path), *path = NULL;
	if (!dir)
		return -1;
	if (q->backing[0] == '/' || asprintf(&path, "%s/%s", dirname(dir), q->backing) < 0)
		path = strdup(q->backing);
	free(dir);
	q->back = calloc(1, sizeof(*q->back));
	if (!path || !q->back) {
		free(path);
		return -1;
	}
	struct disk_spec spec = { .path = path,
				  .format = q->backing_fmt[0] ? q->backing_fmt : NULL,
				  .ro = true };
	int rc = disk_open_backing(q->back, &spec, d);
	if (rc) {
		free(path);
		free(q->back);
		q->back = NULL;
		return -1;
	}
	q->back->own_path = path;
	return 0;
}

static int qcow2_open(struct disk *d)
{
	struct qcow2 *q = calloc(1, sizeof(*q));
	char why[200];
	uint64_t autoclear;
	struct stat st;

	if (!q)
		return -1;
	q->io.fd = d->fd;
	q->path = d->path;
	q->why = why;
	q->whylen = sizeof(why);
	if (fstat(d->fd, &st)) {
		qcow2_free(q);
		return -1;
	}
	q->io.size = (uint64_t)st.st_size;
	if (qcow2_validate(q, &autoclear)) {
		fprintf(stderr, "trapvisor: disk %s: qcow2: %s\n", d->path, why);
		qcow2_free(q);
		return -1;
	}
	d->priv = q;
	d->size = q->size / DISK_SECTOR * DISK_SECTOR;
	if (q->backing[0] && qcow2_open_backing(d, q)) {
		qcow2_free(q);
		d->priv = NULL;
		return -1;
	}
	/* Autoclear features (bitmaps...) we do not keep up to date: a
	 * writer that does not understand them must clear them (spec). */
	if (!d->ro && autoclear) {
		uint8_t z[8] = { 0 };
		if (qcow2_pwrite(q, QH_AUTOCLEAR, z, 8)) {
			qcow2_free(q);
			d->priv = NULL;
			return -1;
		}
	}
	return 0;
}

const struct disk_format qcow2_format = {
	"qcow2", qcow2_open, qcow2_read, qcow2_write, disk_file_flush, qcow2_close,
};
