/*
 * disks_test.c -- `trapvisor bench disks`: the emulated disk against
 * virtio-blk.  Counts only, checked against what the drivers' code
 * implies (never a time):
 *   - the emulated disk costs 259 register accesses per KiB moved: 256
 *     data words, 2 status reads (one per sector), and LBA, COUNT,
 *     COMMAND and the final STATUS once per 4 KiB request -- under vt
 *     exactly that many VM exits, under trap and pv at least as many
 *     traps to the monitor;
 *   - virtio-blk costs a few accesses per 4 KiB request (the doorbell,
 *     the interrupt status and its acknowledgement, the PLIC's claim and
 *     complete): a handful of exits per KiB;
 *   - the guest retires the same instructions bare, under trap and vt;
 *   - bad options: one line, exit 2.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tests/kernel/krun.h"

#define DISKS_TIMEOUT 180

struct disks_line {
	char disk[16], row[16];
	double insns, traps, ns;
};

static struct disks_line disks_tab[16];
static int disks_n;

static void disks_run(void)
{
	struct krun_result r;
	char *argv[] = { KRUN_TRAPVISOR, "bench", "disks", "--csv", "--runs", "1",
			 "--kib",	 "64",	  NULL };
	cr_assert(krun(argv, NULL, 0, DISKS_TIMEOUT, &r) == 0);
	cr_assert_eq(r.status, 0, "bench disks: status %d\n%s", r.status, r.err);
	char *line = strtok(r.out, "\n");
	cr_assert_str_eq(line, "disk,row,insns,traps,ns");
	disks_n = 0;
	while ((line = strtok(NULL, "\n")) && disks_n < 16) {
		struct disks_line *l = &disks_tab[disks_n++];
		cr_assert_eq(sscanf(line, "%15[^,],%15[^,],%lf,%lf,%lf", l->disk, l->row, &l->insns,
				    &l->traps, &l->ns),
			     5, "bad line '%s'", line);
	}
	cr_assert_eq(disks_n, 8, "2 disks x 4 rows");
	krun_free(&r);
}

static const struct disks_line *disks_get(const char *disk, const char *row)
{
	for (int i = 0; i < disks_n; i++)
		if (!strcmp(disks_tab[i].disk, disk) && !strcmp(disks_tab[i].row, row))
			return &disks_tab[i];
	cr_assert_fail("no line %s,%s", disk, row);
	return NULL;
}

Test(disks, counts)
{
	disks_run();
	const struct disks_line *evt = disks_get("emulated", "vt");
	const struct disks_line *vvt = disks_get("virtio", "vt");
	cr_assert(evt->traps >= 259 && evt->traps < 259.5, "emulated, vt: %.2f exits/KiB",
		  evt->traps);
	cr_assert(vvt->traps > 0.5 && vvt->traps < 4, "virtio, vt: %.2f exits/KiB", vvt->traps);
	for (int m = 0; m < 2; m++) {
		const char *row = m ? "pv" : "trap";
		const struct disks_line *e = disks_get("emulated", row);
		const struct disks_line *v = disks_get("virtio", row);
		cr_assert(e->traps >= 259, "emulated, %s: %.2f traps/KiB", row, e->traps);
		cr_assert(v->traps < e->traps / 10, "virtio, %s: %.2f traps/KiB against %.2f", row,
			  v->traps, e->traps);
	}
	for (int d = 0; d < 2; d++) {
		const char *disk = d ? "virtio" : "emulated";
		double bare = disks_get(disk, "bare")->insns;
		cr_assert_eq(disks_get(disk, "trap")->insns, bare, "%s: trap against bare", disk);
		cr_assert_eq(disks_get(disk, "vt")->insns, bare, "%s: vt against bare", disk);
	}
}

Test(disks, bad_options)
{
	static const char *const bad[][2] = {
		{ "--kib", "0" }, { "--kib", "x" }, { "--runs", "1000" }, { "--bogus", NULL }
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct krun_result r;
		char *argv[] = { KRUN_TRAPVISOR,    "bench",	       "disks",
				 (char *)bad[i][0], (char *)bad[i][1], NULL };
		cr_assert(krun(argv, NULL, 0, DISKS_TIMEOUT, &r) == 0);
		cr_assert_eq(r.status, 2, "%s %s: status %d", bad[i][0], bad[i][1], r.status);
		cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "not one line:\n%s",
			  r.err);
		krun_free(&r);
	}
}
