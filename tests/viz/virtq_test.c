/*
 * virtq_test.c -- `info virtq` and the --disk/--net options of `trapvisor
 * debug`: the rings the debugger shows against what the kernel's disk
 * program must have done by the time it stops.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/viz/util.h"

/* A fresh 1 MiB disk image (all zeros) at `path`. */
static void virtq_t_image(char path[32])
{
	strcpy(path, "/tmp/tv-virtq-XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp");
	cr_assert_eq(ftruncate(fd, 1 << 20), 0, "ftruncate");
	close(fd);
}

/* The kernel's disk requests all go through disk_rw(), and the virtio-blk
 * driver returns from it only once the device has put the request in the
 * used ring (vblk_rw sleeps until then); the disk program is the only
 * process doing I/O.  So at the n-th stop at disk_rw, n - 1 requests have
 * been offered, taken and completed: avail idx, the device's last seen
 * index and used idx are all n - 1. */
static void virtq_after_requests(const char *mode, int stops)
{
	char img[32], opts[160], script[256], want[160];
	struct runner_result r;
	virtq_t_image(img);
	snprintf(opts, sizeof(opts), "--mode=%s --disk %s --append run=disk " KERNEL, mode, img);
	int n = snprintf(script, sizeof(script), "break disk_rw\n");
	for (int i = 0; i < stops; i++)
		n += snprintf(script + n, sizeof(script) - (size_t)n, "continue\n");
	snprintf(script + n, sizeof(script) - (size_t)n, "info virtq\n");
	viz_t_batch(opts, script, &r);
	unlink(img);
	cr_assert_eq(r.status, 0, "%s\nstderr: %s", r.out, r.err);
	cr_expect(strstr(r.out, "virtio slot 0 (0x10001000): virtio-blk\n"), "%s", r.out);
	cr_expect(strstr(r.out, "status 0x0f ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK\n"), "%s",
		  r.out);
	int done = stops - 1;
	snprintf(want, sizeof(want),
		 "avail idx %d, used idx %d, device last seen %d (used copy %d)", done, done, done,
		 done);
	cr_expect(strstr(r.out, want), "missing \"%s\" in:\n%s", want, r.out);
	/* The last chain is a virtio-blk request (virtio 1.2, 5.2.6): the
	 * 16-byte header the device reads, the data, then the one status
	 * byte it writes. */
	cr_expect(strstr(r.out, "len 16     flags 0x1 NEXT next"), "%s", r.out);
	cr_expect(strstr(r.out, "len 1      flags 0x2 WRITE next"), "%s", r.out);
	runner_free(&r);
}

Test(virtq, used_idx_counts_completed_requests_trap)
{
	virtq_after_requests("trap", 3);
}

Test(virtq, used_idx_counts_completed_requests_bare)
{
	virtq_after_requests("bare", 4);
}

Test(virtq, a_device_by_name_or_slot)
{
	char img[32], opts[160];
	struct runner_result r;
	virtq_t_image(img);
	snprintf(opts, sizeof(opts), "--disk %s --append run=disk " KERNEL, img);
	viz_t_batch(opts, "break disk_rw\ncontinue\ninfo virtq virtio-blk\ninfo virtq 1\n", &r);
	unlink(img);
	/* The driver has set the device up before the first request. */
	cr_expect(strstr(r.out, "virtio slot 0 (0x10001000): virtio-blk\n"), "%s", r.out);
	cr_expect(strstr(r.out, "info virtq: no virtio device '1' in this VM\n"), "%s", r.out);
	runner_free(&r);
}

Test(virtq, a_vm_without_virtio_devices_says_so)
{
	struct runner_result r;
	viz_t_batch(KERNEL, "info virtq\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "(tv) info virtq\nno virtio devices in this VM\n");
	runner_free(&r);
}

Test(virtq, each_vm_shows_its_own_devices)
{
	/* --disk before the second guest belongs to it alone; before the
	 * driver runs, the device is in reset and its queue not set up. */
	char img[32], opts[200];
	struct runner_result r;
	virtq_t_image(img);
	snprintf(opts, sizeof(opts), KERNEL " --disk %s " KERNEL, img);
	viz_t_batch(opts, "help info\ninfo virtq\nvm 1\ninfo virtq\n", &r);
	unlink(img);
	cr_assert_eq(r.status, 0, "%s\nstderr: %s", r.out, r.err);
	cr_expect(strstr(r.out, "virtq [DEVICE]: "), "help info does not list virtq:\n%s", r.out);
	cr_expect(strstr(r.out, "(tv) info virtq\nno virtio devices in this VM\n(tv) vm 1\n"), "%s",
		  r.out);
	cr_expect(strstr(r.out, "virtio slot 0 (0x10001000): virtio-blk\n"
				"  status 0x00 (reset: no driver yet)\n"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "  queue 0: not set up\n"), "%s", r.out);
	runner_free(&r);
}

Test(virtq, bad_disk_and_net_options_exit_2)
{
	viz_t_expect_exit(TV " debug --net hub " KERNEL, "", 2,
			  "--net hub: the one network is 'switch'");
	viz_t_expect_exit(TV " debug " KERNEL " --net switch", "", 2,
			  "--net comes after the last guest");
	viz_t_expect_exit(
	    TV " walk --disk /nonexistent/x.img --at kmain --va 0 --dot /dev/null " KERNEL, "", 2,
	    "/nonexistent/x.img");
}
