/*
 * qcow2_test.c -- our qcow2 code against QEMU's own tools (qemu-img, the
 * real peer):
 *   qcow2/read_*      images qemu-img made from a raw file read back the
 *                     raw file's bytes, for several cluster sizes;
 *   qcow2/write_*     random writes through our code and to a raw copy:
 *                     `qemu-img check` finds no error or leak, `qemu-img
 *                     compare` finds them identical, the file grew;
 *   qcow2/overlay     a copy-on-write overlay over a base: reads see the
 *                     base, writes land in the overlay, the base file
 *                     stays byte-identical;
 *   qcow2/refused     corrupt, truncated and unsupported images, and a
 *                     looping backing chain: open fails, file untouched;
 *   qcow2/killed      a writer killed at random moments leaves an image
 *                     `qemu-img check` may call leaky, never corrupt;
 *   qcow2/buffer      the fuzzing entry point on good and bad buffers.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "devices/disk.h"
#include "devices/qcow2.h"

#define Q_SIZE (2u << 20) /* 2 MiB disks */

static char qdir[64];

static void q_setup(void)
{
	strcpy(qdir, "/tmp/trapvisor-qcow2-XXXXXX");
	cr_assert(mkdtemp(qdir));
}

static void q_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", qdir);
	cr_assert(system(cmd) == 0);
}

TestSuite(qcow2, .init = q_setup, .fini = q_teardown);

/* qdir/NAME */
static const char *qp(const char *name)
{
	static char paths[8][160];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, sizeof(paths[0]), "%s/%s", qdir, name);
	return p;
}

/* Run a shell command (in qdir); its exit status. */
static int qsh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int qsh(const char *fmt, ...)
{
	char cmd[1024], full[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && ( %s ) >/dev/null 2>&1", qdir, cmd);
	int st = system(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static uint8_t *q_file(const char *name, size_t *len)
{
	FILE *f = fopen(qp(name), "rb");
	cr_assert(f, "cannot open %s", name);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*len ? *len : 1);
	cr_assert(fread(b, 1, *len, f) == *len);
	fclose(f);
	return b;
}

/* A raw file of Q_SIZE bytes: random bytes in some places, zeros in
 * others (so that qemu-img leaves some clusters unallocated). */
static void q_raw(const char *name, unsigned seed)
{
	uint8_t *b = calloc(1, Q_SIZE);
	srand(seed);
	for (int i = 0; i < 40; i++) {
		uint32_t at = (uint32_t)rand() % (Q_SIZE - 9000), n = (uint32_t)rand() % 9000;
		for (uint32_t j = 0; j < n; j++)
			b[at + j] = (uint8_t)rand();
	}
	FILE *f = fopen(qp(name), "wb");
	cr_assert(f && fwrite(b, 1, Q_SIZE, f) == Q_SIZE);
	fclose(f);
	free(b);
}

static void q_open(struct disk *d, const char *name, bool ro)
{
	struct disk_spec s = { .path = qp(name), .format = "qcow2", .ro = ro };
	cr_assert(disk_open(d, &s) == 0, "cannot open %s", name);
}

/* The whole disk `d` equals the file `raw`. */
static void q_same(struct disk *d, const char *raw)
{
	size_t n;
	uint8_t *want = q_file(raw, &n), *got = malloc(n);
	cr_assert_eq(d->size, n);
	cr_assert(disk_read(d, 0, got, n) == 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "byte %zu: %#x, want %#x", i, got[i], want[i]);
	free(want);
	free(got);
}

static void q_read_case(unsigned cluster)
{
	struct disk d;
	q_raw("a.raw", cluster);
	cr_assert_eq(
	    qsh("qemu-img convert -f raw -O qcow2 -o cluster_size=%u a.raw a.qcow2", cluster), 0);
	q_open(&d, "a.qcow2", true);
	q_same(&d, "a.raw");
	disk_close(&d);
}

Test(qcow2, read_64k)
{
	q_read_case(65536);
}
Test(qcow2, read_4k)
{
	q_read_case(4096);
}
Test(qcow2, read_512)
{
	q_read_case(512);
}

/* Random writes to disk `d` and to the raw file `raw` alike. */
static void q_write_both(struct disk *d, const char *raw, unsigned seed, int n)
{
	int fd = open(qp(raw), O_WRONLY);
	cr_assert(fd >= 0);
	srand(seed);
	uint8_t buf[20000];
	for (int i = 0; i < n; i++) {
		uint32_t len = 1 + (uint32_t)rand() % sizeof(buf);
		uint32_t at = (uint32_t)rand() % (Q_SIZE - len);
		for (uint32_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand();
		cr_assert(disk_write(d, at, buf, len) == 0);
		cr_assert(pwrite(fd, buf, len, at) == (ssize_t)len);
	}
	close(fd);
}

static off_t q_size(const char *name)
{
	struct stat st;
	cr_assert(stat(qp(name), &st) == 0);
	return st.st_size;
}

static void q_write_case(unsigned cluster, int writes)
{
	struct disk d;
	cr_assert_eq(qsh("qemu-img create -f qcow2 -o cluster_size=%u w.qcow2 %u", cluster, Q_SIZE),
		     0);
	cr_assert_eq(qsh("truncate -s %u w.raw", Q_SIZE), 0);
	off_t before = q_size("w.qcow2");
	q_open(&d, "w.qcow2", false);
	q_write_both(&d, "w.raw", cluster + 1, writes);
	q_same(&d, "w.raw"); /* reads through our own code */
	disk_close(&d);
	cr_assert_eq(qsh("qemu-img check -f qcow2 w.qcow2"), 0, "qemu-img check: errors or leaks");
	cr_assert_eq(qsh("qemu-img compare -f qcow2 -F raw w.qcow2 w.raw"), 0,
		     "qemu-img compare: differ");
	cr_assert_gt(q_size("w.qcow2"), before, "the file did not grow");
}

Test(qcow2, write_64k)
{
	q_write_case(65536, 60);
}
/* 512-byte clusters: a refcount block covers 256 clusters, so the
 * writes need several new refcount blocks, and many L2 tables. */
Test(qcow2, write_512)
{
	q_write_case(512, 200);
}

Test(qcow2, grows_with_writes)
{
	struct disk d;
	cr_assert_eq(qsh("qemu-img create -f qcow2 g.qcow2 %u", Q_SIZE), 0);
	q_open(&d, "g.qcow2", false);
	off_t last = q_size("g.qcow2");
	uint8_t sec[512];
	memset(sec, 0x5a, sizeof(sec));
	for (uint32_t c = 0; c < 4; c++) {
		/* A new cluster: one more 64 KiB, once (rewriting it adds
		 * none); the first also brings the L2 table. */
		cr_assert(disk_write(&d, c * 65536u + 512, sec, sizeof(sec)) == 0);
		cr_assert(disk_write(&d, c * 65536u + 1024, sec, sizeof(sec)) == 0);
		off_t now = q_size("g.qcow2");
		if (c)
			cr_assert_eq(now - last, 65536, "cluster %u: grew by %lld", c,
				     (long long)(now - last));
		else
			cr_assert_geq(now - last, 2 * 65536, "L2 table and data: grew by %lld",
				      (long long)(now - last));
		last = now;
	}
	disk_close(&d);
	cr_assert_eq(qsh("qemu-img check g.qcow2"), 0);
	cr_assert_eq(qsh("qemu-img info g.qcow2 | grep -q 'virtual size: 2 MiB'"), 0);
}

Test(qcow2, overlay)
{
	struct disk d;
	q_raw("b.raw", 7);
	cr_assert_eq(qsh("qemu-img convert -f raw -O qcow2 b.raw base.qcow2"), 0);
	cr_assert_eq(qsh("qemu-img create -f qcow2 -b base.qcow2 -F qcow2 ov.qcow2"), 0);
	size_t n0, n1;
	uint8_t *base0 = q_file("base.qcow2", &n0);
	q_open(&d, "ov.qcow2", false);
	q_same(&d, "b.raw"); /* all from the base */
	q_write_both(&d, "b.raw", 99, 50);
	q_same(&d, "b.raw");
	disk_close(&d);
	uint8_t *base1 = q_file("base.qcow2", &n1);
	cr_assert(n0 == n1 && !memcmp(base0, base1, n0), "the base file changed");
	free(base0);
	free(base1);
	cr_assert_eq(qsh("qemu-img check ov.qcow2"), 0);
	cr_assert_eq(qsh("qemu-img compare -F raw ov.qcow2 b.raw"), 0);
	/* A chain of two overlays, the backing format left to the magic. */
	cr_assert_eq(qsh("qemu-img create -f qcow2 -b ov.qcow2 -F qcow2 ov2.qcow2"), 0);
	q_open(&d, "ov2.qcow2", true);
	q_same(&d, "b.raw");
	disk_close(&d);
}

/* Open must fail with the file untouched. */
static void q_refused(const char *name, const char *why)
{
	struct disk d;
	size_t n0, n1;
	uint8_t *b0 = q_file(name, &n0);
	struct disk_spec s = { .path = qp(name), .format = "qcow2" };
	cr_assert(disk_open(&d, &s) != 0, "%s (%s) was opened", name, why);
	uint8_t *b1 = q_file(name, &n1);
	cr_assert(n0 == n1 && !memcmp(b0, b1, n0), "%s (%s) was written", name, why);
	free(b0);
	free(b1);
}

/* Overwrite `len` bytes of `name` at `off` with big-endian `v`. */
static void q_patch(const char *name, long off, int len, uint64_t v)
{
	uint8_t b[8];
	for (int i = len - 1; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
	int fd = open(qp(name), O_WRONLY);
	cr_assert(fd >= 0 && pwrite(fd, b, (size_t)len, off) == len);
	close(fd);
}

Test(qcow2, refused)
{
	static const struct {
		const char *name;
		long off;
		int len;
		uint64_t v;
	} patches[] = {
		{ "magic", 0, 4, 0x12345678 },
		{ "version1", 4, 4, 1 },
		{ "cluster_bits", 20, 4, 30 },
		{ "encrypted", 32, 4, 1 },
		{ "l1_far", 40, 8, 1ull << 40 },
		{ "l1_small", 36, 4, 0 },
		{ "rt_misaligned", 48, 8, 0x10200 },
		{ "dirty", 72, 8, 1 },
		{ "corrupt", 72, 8, 2 },
		{ "unknown_feature", 72, 8, 1ull << 40 },
		{ "refcount_order", 96, 4, 5 },
		{ "header_length", 100, 4, 4000000 },
		{ "huge_size", 24, 8, 1ull << 62 },
		{ "snapshots", 60, 4, 1 },
	};
	q_raw("r.raw", 3);
	cr_assert_eq(qsh("qemu-img convert -f raw -O qcow2 r.raw good.qcow2"), 0);
	for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		cr_assert_eq(qsh("cp good.qcow2 %s", patches[i].name), 0);
		q_patch(patches[i].name, patches[i].off, patches[i].len, patches[i].v);
		q_refused(patches[i].name, patches[i].name);
	}
	/* An L2 entry pointing past the end of the file: the first L2
	 * table's first allocated entry. */
	cr_assert_eq(qsh("cp good.qcow2 badl2 && truncate -s 300000 badl2"), 0);
	q_refused("badl2", "truncated");
	cr_assert_eq(qsh("head -c 50 good.qcow2 > short"), 0);
	q_refused("short", "shorter than a header");
	/* Images qemu-img makes with what we do not support. */
	static const char *const made[][3] = {
		{ "qemu-img convert -c -f raw -O qcow2 r.raw comp.qcow2", "comp.qcow2",
		  "compressed clusters" },
		{ "qemu-img create -f qcow2 -o extended_l2=on ext.qcow2 1M", "ext.qcow2",
		  "extended L2" },
		{ "qemu-img create -f qcow2 -o data_file=data.raw df.qcow2 1M", "df.qcow2",
		  "external data file" },
		{ "qemu-img create -f qcow2 -o compression_type=zstd z.qcow2 1M", "z.qcow2",
		  "zstd compression type" },
		{ "cp good.qcow2 snap.qcow2 && qemu-img snapshot -c s1 snap.qcow2", "snap.qcow2",
		  "internal snapshot" },
		{ "qemu-img create -u -f qcow2 -b missing.qcow2 -F qcow2 nb.qcow2 1M", "nb.qcow2",
		  "missing backing file" },
	};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		cr_assert_eq(qsh("%s", made[i][0]), 0, "%s", made[i][0]);
		q_refused(made[i][1], made[i][2]);
	}
	/* Backing chains that loop: onto itself, and a -> b -> a. */
	cr_assert_eq(qsh("cp good.qcow2 self.qcow2 && "
			 "qemu-img rebase -u -f qcow2 -b self.qcow2 -F qcow2 self.qcow2"),
		     0);
	q_refused("self.qcow2", "loops onto itself");
	cr_assert_eq(qsh("qemu-img create -f qcow2 -b good.qcow2 -F qcow2 la.qcow2 && "
			 "qemu-img create -f qcow2 -b la.qcow2 -F qcow2 lb.qcow2 && "
			 "qemu-img rebase -u -f qcow2 -b lb.qcow2 -F qcow2 la.qcow2"),
		     0);
	q_refused("lb.qcow2", "a -> b -> a");
}

/* A writer killed at a random moment: qemu-img check may find leaked
 * clusters (exit 3), never corruption (exit 2). */
Test(qcow2, killed)
{
	cr_assert_eq(qsh("qemu-img create -f qcow2 -o cluster_size=4096 k.qcow2 %u", Q_SIZE), 0);
	for (int round = 0; round < 12; round++) {
		pid_t pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			struct disk d;
			struct disk_spec s = { .path = qp("k.qcow2"), .format = "qcow2" };
			uint8_t buf[6000];
			if (disk_open(&d, &s))
				_exit(1);
			srand((unsigned)round);
			for (;;) {
				uint32_t len = 1 + (uint32_t)rand() % sizeof(buf);
				memset(buf, rand(), len);
				if (disk_write(&d, (uint32_t)rand() % (Q_SIZE - len), buf, len))
					_exit(1);
			}
		}
		struct timespec ts = { 0, (long)(1 + round * 3) * 1000000 };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		cr_assert(WIFSIGNALED(st), "round %d: the writer stopped by itself", round);
		int rc = qsh("qemu-img check k.qcow2");
		cr_assert(rc == 0 || rc == 3, "round %d: qemu-img check exit %d (corrupt)", round,
			  rc);
		if (rc == 3)
			cr_assert_eq(qsh("qemu-img check -r leaks k.qcow2"), 0);
	}
}

Test(qcow2, buffer)
{
	char why[200];
	size_t n;
	q_raw("f.raw", 5);
	cr_assert_eq(qsh("qemu-img convert -f raw -O qcow2 f.raw f.qcow2"), 0);
	uint8_t *b = q_file("f.qcow2", &n);
	cr_assert_eq(qcow2_check_buffer(b, n, why, sizeof(why)), 0, "%s", why);
	cr_assert_neq(qcow2_check_buffer(b, n / 2, why, sizeof(why)), 0, "half an image");
	cr_assert_neq(qcow2_check_buffer(b, 10, why, sizeof(why)), 0);
	/* Every single-byte corruption of the header either still validates
	 * or is refused: never a crash (ASan in test-sanitize). */
	for (size_t i = 0; i < 512 && i < n; i++) {
		uint8_t keep = b[i];
		b[i] ^= 0xff;
		(void)qcow2_check_buffer(b, n, why, sizeof(why));
		b[i] = keep;
	}
	free(b);
}
