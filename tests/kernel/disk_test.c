/*
 * disk_test.c -- the teaching kernel's virtio-blk driver and the `disk`
 * program on a real image file, in every mode:
 *   virtio/MODE    a fresh 1 MiB raw image: the transcript of
 *                  expected/disk.out, exit 0, the pattern in the file
 *                  afterwards (and nothing else), and -- but for pv,
 *                  whose kernel is another build -- exactly the
 *                  instructions the bare machine retired;
 *   readonly/MODE  the same image given with ,ro: the write fails
 *                  (expected/disk_ro.out) and the file stays all zeros;
 *   emulated/MODE, emulated_ro/MODE: the same on the emulated PIO disk
 *                  (,if=emulated), 128 data-register accesses a sector;
 *   qcow2/MODE     on a qcow2 image qemu-img made: the transcript, then
 *                  `qemu-img check` clean and the image, converted to raw
 *                  by qemu-img, holding the pattern; qcow2/overlay: the
 *                  same on an overlay, its base byte-identical after.
 * The same runs on QEMU are in tests/peer.
 * Run one alone with  build/tests/bin/disk --filter 'virtio/trap'
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "tests/kernel/diskimg.h"
#include "tests/kernel/krun.h"

#define DISK_TIMEOUT   60 /* seconds per run */
#define DISK_PV_KERNEL KRUN_BUILD "/guests/kernel-pv.elf"

struct disk_mode {
	const char *name;
	const char *opts[2]; /* --mode=..., --paging=... or NULL */
	const char *kernel;
};

static const struct disk_mode disk_modes[] = {
	{ "bare", { "--mode=bare", NULL }, KRUN_KERNEL },
	{ "trap", { "--mode=trap", NULL }, KRUN_KERNEL },
	{ "bt", { "--mode=bt", NULL }, KRUN_KERNEL },
	{ "pv", { "--mode=pv", NULL }, DISK_PV_KERNEL },
	{ "vt_nested", { "--mode=vt", "--paging=nested" }, KRUN_KERNEL },
	{ "vt_shadow", { "--mode=vt", "--paging=shadow" }, KRUN_KERNEL },
};

static const struct disk_mode *disk_mode(const char *name)
{
	for (size_t i = 0; i < sizeof(disk_modes) / sizeof(disk_modes[0]); i++)
		if (!strcmp(disk_modes[i].name, name))
			return &disk_modes[i];
	cr_assert_fail("no mode %s", name);
	return NULL;
}

/* `trapvisor run MODE --stats --disk SPEC --append run=disk KERNEL`. */
static void disk_run(const struct disk_mode *m, const char *spec, struct krun_result *r)
{
	char *argv[12];
	int n = 0;
	argv[n++] = KRUN_TRAPVISOR;
	argv[n++] = "run";
	for (int i = 0; i < 2; i++)
		if (m->opts[i])
			argv[n++] = (char *)m->opts[i];
	argv[n++] = "--stats";
	argv[n++] = "--disk";
	argv[n++] = (char *)spec;
	argv[n++] = "--append";
	argv[n++] = "run=disk";
	argv[n++] = (char *)m->kernel;
	argv[n] = NULL;
	cr_assert(krun(argv, NULL, 0, DISK_TIMEOUT, r) == 0, "cannot start %s", KRUN_TRAPVISOR);
}

static unsigned long long disk_retired(const struct krun_result *r)
{
	const char *p = strstr(r->err, "instructions retired: ");
	cr_assert(p, "no --stats in:\n%s", r->err);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

/* `opts` is what follows the file name in --disk ("" or ",if=..."), and
 * `stats` a piece of --stats that says the right controller worked. */
static void disk_rw_case(const char *mode, const char *opts, const char *stats)
{
	const struct disk_mode *m = disk_mode(mode);
	char img[64], spec[96], who[160];
	struct krun_result r, b;

	cr_assert(diskimg_create(img) == 0, "cannot create a scratch image");
	snprintf(spec, sizeof(spec), "%s%s", img, opts);
	disk_run(m, spec, &r);
	snprintf(who, sizeof(who), "trapvisor %s --disk %s", mode, spec);
	krun_check(who, &r, "disk", 0);
	const char *why = diskimg_check(img, true);
	cr_assert(!why, "%s: the image after the run: %s", mode, why);
	cr_assert(strstr(r.err, stats), "%s: --stats lacks '%s':\n%s", mode, stats, r.err);
	if (strcmp(mode, "pv") && strcmp(mode, "bare")) {
		/* The same guest on the bare machine, on a fresh image. */
		cr_assert(truncate(img, 0) == 0 && truncate(img, DISKIMG_SIZE) == 0);
		disk_run(disk_mode("bare"), spec, &b);
		cr_assert_eq(disk_retired(&r), disk_retired(&b),
			     "%s retired %llu instructions, bare %llu", mode, disk_retired(&r),
			     disk_retired(&b));
		krun_free(&b);
	}
	krun_free(&r);
	unlink(img);
}

static void disk_readonly(const char *mode, const char *opts)
{
	const struct disk_mode *m = disk_mode(mode);
	char img[64], spec[96], who[160];
	struct krun_result r;

	cr_assert(diskimg_create(img) == 0, "cannot create a scratch image");
	snprintf(spec, sizeof(spec), "%s,ro%s", img, opts);
	disk_run(m, spec, &r);
	snprintf(who, sizeof(who), "trapvisor %s --disk ...,ro", mode);
	krun_check(who, &r, "disk_ro", 1);
	const char *why = diskimg_check(img, false);
	cr_assert(!why, "%s: a read-only image changed: %s", mode, why);
	krun_free(&r);
	unlink(img);
}

/* A shell command's exit status (output dropped). */
static int disk_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int disk_sh(const char *fmt, ...)
{
	char cmd[1024], full[1100];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "( %s ) >/dev/null 2>&1", cmd);
	int st = system(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The disk program on `image` (qcow2) in `mode`; then qemu-img's view. */
static void disk_qcow2_run(const char *mode, const char *image)
{
	char spec[160], who[200], raw[64];
	struct krun_result r;
	snprintf(spec, sizeof(spec), "%s,format=qcow2", image);
	disk_run(disk_mode(mode), spec, &r);
	snprintf(who, sizeof(who), "trapvisor %s --disk %s", mode, spec);
	krun_check(who, &r, "disk", 0);
	krun_free(&r);
	cr_assert_eq(disk_sh("qemu-img check %s", image), 0, "qemu-img check %s", image);
	cr_assert(diskimg_create(raw) == 0);
	cr_assert_eq(disk_sh("qemu-img convert -O raw %s %s", image, raw), 0);
	const char *why = diskimg_check(raw, true);
	cr_assert(!why, "%s: the image, as qemu-img reads it: %s", mode, why);
	unlink(raw);
}

static void disk_qcow2(const char *mode)
{
	char img[64];
	cr_assert(diskimg_create(img) == 0);
	cr_assert_eq(disk_sh("qemu-img create -f qcow2 %s 1M", img), 0);
	disk_qcow2_run(mode, img);
	unlink(img);
}

Test(qcow2, overlay)
{
	char base[64], ov[64];
	size_t n0, n1;
	cr_assert(diskimg_create(base) == 0 && diskimg_create(ov) == 0);
	cr_assert_eq(disk_sh("qemu-img create -f qcow2 %s 1M && "
			     "qemu-img create -f qcow2 -b %s -F qcow2 %s",
			     base, base, ov),
		     0);
	char *b0 = krun_read_file(base, &n0);
	disk_qcow2_run("trap", ov);
	char *b1 = krun_read_file(base, &n1);
	cr_assert(b0 && b1 && n0 == n1 && !memcmp(b0, b1, n0), "the base changed");
	free(b0);
	free(b1);
	unlink(base);
	unlink(ov);
}

#define DISK_MODE(name)                                                            \
	Test(virtio, name)                                                         \
	{                                                                          \
		disk_rw_case(#name, "", "16 reads, 16 writes");                    \
	}                                                                          \
	Test(readonly, name)                                                       \
	{                                                                          \
		disk_readonly(#name, "");                                          \
	}                                                                          \
	Test(emulated, name)                                                       \
	{                                                                          \
		disk_rw_case(#name, ",if=emulated", "32768 data words, 0 errors"); \
	}                                                                          \
	Test(emulated_ro, name)                                                    \
	{                                                                          \
		disk_readonly(#name, ",if=emulated");                              \
	}                                                                          \
	Test(qcow2, name)                                                          \
	{                                                                          \
		disk_qcow2(#name);                                                 \
	}
DISK_MODE(bare)
DISK_MODE(trap)
DISK_MODE(bt)
DISK_MODE(pv)
DISK_MODE(vt_nested)
DISK_MODE(vt_shadow)

/* Bad --disk options: one line on stderr, exit 2, the guest never runs. */
static void disk_refused(const char *spec, const char *says)
{
	struct krun_result r;
	char *argv[] = { KRUN_TRAPVISOR, "run",	      "--disk",	   (char *)spec,
			 "--append",	 "run=hello", KRUN_KERNEL, NULL };
	cr_assert(krun(argv, NULL, 0, DISK_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 2, "--disk %s: status %d\n%s", spec, r.status, r.err);
	cr_assert(strstr(r.err, says), "--disk %s: stderr says:\n%s", spec, r.err);
	cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "not one line:\n%s", r.err);
	cr_assert_str_empty(r.out, "the guest ran:\n%s", r.out);
	krun_free(&r);
}

Test(options, bad)
{
	char raw[64], spec[96];
	cr_assert(diskimg_create(raw) == 0);
	snprintf(spec, sizeof(spec), "%s,format=qcow2", raw);
	disk_refused(spec, "not a qcow2 image (bad magic)");
	unlink(raw);
	disk_refused("/nonexistent/disk.img", "No such file");
	disk_refused("/tmp", "Is a directory");
	disk_refused("/tmp,ro", "not a regular file");
	disk_refused("x.img,format=vmdk", "unknown format");
	disk_refused(",ro", "no file name");
	disk_refused("x.img,bogus", "unknown option 'bogus'");
}

/* Two VMs, a disk each: each finds its own and only its own (its DMA
 * goes through its own guest-physical map), and both images end up
 * holding exactly the pattern. */
Test(virtio, two_vms)
{
	char a[64], b[64];
	struct krun_result r;

	cr_assert(diskimg_create(a) == 0 && diskimg_create(b) == 0);
	char *argv[] = { KRUN_TRAPVISOR, "run",	      "--disk", a, "--append",
			 "run=disk",	 KRUN_KERNEL, "--disk", b, "--append",
			 "run=disk",	 KRUN_KERNEL, NULL };
	cr_assert(krun(argv, NULL, 0, DISK_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s%s", r.status, r.out, r.err);
	cr_assert(strstr(r.out, "[vm0] disk: ok\n") && strstr(r.out, "[vm1] disk: ok\n"), "%s",
		  r.out);
	const char *why = diskimg_check(a, true);
	cr_assert(!why, "vm0's image: %s", why);
	why = diskimg_check(b, true);
	cr_assert(!why, "vm1's image: %s", why);
	krun_free(&r);
	unlink(a);
	unlink(b);
}

/* The board has one emulated disk controller. */
Test(options, two_emulated)
{
	char a[64], sa[96], sb[96];
	struct krun_result r;
	cr_assert(diskimg_create(a) == 0);
	snprintf(sa, sizeof(sa), "%s,if=emulated", a);
	snprintf(sb, sizeof(sb), "%s,ro,if=emulated", a);
	char *argv[] = { KRUN_TRAPVISOR, "run",	      "--disk",	   sa,	"--disk", sb,
			 "--append",	 "run=hello", KRUN_KERNEL, NULL };
	cr_assert(krun(argv, NULL, 0, DISK_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 2, "status %d\n%s", r.status, r.err);
	cr_assert(strstr(r.err, "one emulated disk"), "%s", r.err);
	krun_free(&r);
	unlink(a);
}
