/*
 * peer_test.c -- QEMU as an independent peer of trapvisor.
 *
 * 1. peer/NAME: the same kernel ELF on qemu-system-riscv32 (virt, -bios
 *    none, the M-mode shim of tests/peer/shim) must print the transcript
 *    written down in tests/kernel/expected/NAME.out and exit with the
 *    same status as the cases.def row says -- the very check that
 *    tests/kernel makes of trapvisor.
 * 2. equiv/NAME: bigger runs with no written expectation: QEMU and
 *    `trapvisor run --mode=bare` must agree byte for byte, and on the
 *    exit status.
 * 3. disk/NAME: the disk program on a virtio-blk disk (QEMU's
 *    virtio-blk-device on its virtio-mmio transport, version 2): the
 *    transcript tests/kernel/disk_test.c expects of trapvisor, and the
 *    same bytes in the image file afterwards.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/kernel/diskimg.h"
#include "tests/kernel/krun.h"

#define PEER_TIMEOUT 60 /* seconds per run */

static void peer_case(const char *name, const char *bootargs, const char *input, int status)
{
	struct krun_result r;

	cr_assert(krun_qemu(bootargs, input, PEER_TIMEOUT, &r) == 0,
		  "cannot start qemu-system-riscv32 (Debian package qemu-system-misc)");
	krun_check("QEMU (virt + shim)", &r, name, status);
	krun_free(&r);
}

#define KCASE(name, bootargs, input, status)               \
	Test(peer, name)                                   \
	{                                                  \
		peer_case(#name, bootargs, input, status); \
	}
#include "tests/kernel/cases.def"
#undef KCASE

static void peer_equiv_mode(const char *mode, const char *bootargs)
{
	struct krun_result q, t;

	cr_assert(krun_qemu(bootargs, NULL, PEER_TIMEOUT, &q) == 0, "cannot start QEMU");
	cr_assert(krun_trapvisor(mode, bootargs, NULL, PEER_TIMEOUT, &t) == 0,
		  "cannot start trapvisor");
	cr_assert(!q.timed_out && !t.timed_out, "%s: timed out (QEMU %d, trapvisor %d)", bootargs,
		  q.timed_out, t.timed_out);
	cr_assert(!strstr(q.out, "panic:") && !strstr(t.out, "panic:"),
		  "%s: kernel panic\n--- QEMU:\n%s--- trapvisor:\n%s", bootargs, q.out, t.out);
	cr_assert(!strcmp(q.out, t.out), "%s: transcripts differ\n--- QEMU:\n%s--- trapvisor:\n%s",
		  bootargs, q.out, t.out);
	cr_assert(q.status == t.status, "%s: exit status QEMU %d, trapvisor %d", bootargs, q.status,
		  t.status);
	cr_assert(q.status == 0, "%s: exit status %d:\n%s", bootargs, q.status, q.out);
	cr_log_info("%s: QEMU %.2f s, trapvisor --mode=%s %.2f s", bootargs, q.seconds, mode,
		    t.seconds);
	krun_free(&q);
	krun_free(&t);
}

/* QEMU against the bare machine and against the monitor. */
static void peer_equiv(const char *bootargs)
{
	peer_equiv_mode("bare", bootargs);
	peer_equiv_mode("trap", bootargs);
}

Test(equiv, primes_big)
{
	peer_equiv("run=primes:400000");
}
Test(equiv, memtouch_big)
{
	peer_equiv("run=memtouch:32");
}
Test(equiv, ptchurn_big)
{
	peer_equiv("run=ptchurn:300:128");
}
Test(equiv, spawnloop_big)
{
	peer_equiv("run=spawnloop:400");
}
Test(equiv, pingpong_big)
{
	peer_equiv("run=pingpong:300");
}
Test(equiv, syscalls_big)
{
	peer_equiv("run=syscalls:200000");
}
Test(equiv, everything)
{
	peer_equiv("run=hello,primes:5000,memtouch,syscalls,ptchurn,spawnloop,pingpong");
}

/* QEMU's virtio-mmio speaks the legacy interface (version 1) unless told
 * otherwise; the teaching kernel's driver, like trapvisor, is modern-only. */
static void peer_disk(const char *opt, const char *name, int status, bool written)
{
	char img[64], drive[160];
	struct krun_result r;

	cr_assert(diskimg_create(img) == 0, "cannot create a scratch image");
	snprintf(drive, sizeof(drive), "file=%s,format=raw,if=none,id=d0%s", img, opt);
	char *extra[] = { "-global", "virtio-mmio.force-legacy=false", "-drive", drive,
			  "-device", "virtio-blk-device,drive=d0",     NULL };
	cr_assert(krun_qemu_with("run=disk", extra, NULL, PEER_TIMEOUT, &r) == 0,
		  "cannot start QEMU");
	krun_check("QEMU (virt + shim, virtio-blk-device)", &r, name, status);
	const char *why = diskimg_check(img, written);
	cr_assert(!why, "the image after QEMU's run: %s", why);
	krun_free(&r);
	unlink(img);
}

Test(disk, virtio)
{
	peer_disk("", "disk", 0, true);
}
Test(disk, readonly)
{
	peer_disk(",readonly=on", "disk_ro", 1, false);
}

/* qcow2: the program writes the same bytes through QEMU's qcow2 driver
 * and through ours; qemu-img finds both images clean and equal. */
Test(disk, qcow2)
{
	char a[64], b[64], drive[160], cmd[400];
	struct krun_result r;

	cr_assert(diskimg_create(a) == 0 && diskimg_create(b) == 0);
	snprintf(cmd, sizeof(cmd),
		 "qemu-img create -q -f qcow2 %s 1M && qemu-img create -q -f qcow2 %s 1M", a, b);
	cr_assert_eq(system(cmd), 0);
	snprintf(drive, sizeof(drive), "file=%s,format=qcow2,if=none,id=d0", a);
	char *extra[] = { "-global", "virtio-mmio.force-legacy=false", "-drive", drive,
			  "-device", "virtio-blk-device,drive=d0",     NULL };
	cr_assert(krun_qemu_with("run=disk", extra, NULL, PEER_TIMEOUT, &r) == 0);
	krun_check("QEMU (virtio-blk-device, qcow2)", &r, "disk", 0);
	krun_free(&r);
	char spec[96];
	snprintf(spec, sizeof(spec), "%s,format=qcow2", b);
	char *argv[] = { KRUN_TRAPVISOR, "run",	     "--disk",	  spec,
			 "--append",	 "run=disk", KRUN_KERNEL, NULL };
	cr_assert(krun(argv, NULL, 0, PEER_TIMEOUT, &r) == 0);
	krun_check("trapvisor (qcow2)", &r, "disk", 0);
	krun_free(&r);
	snprintf(cmd, sizeof(cmd),
		 "qemu-img check -q %s && qemu-img check -q %s && qemu-img compare -q %s %s", a, b,
		 a, b);
	cr_assert_eq(system(cmd), 0, "qemu-img: %s", cmd);
	unlink(a);
	unlink(b);
}
