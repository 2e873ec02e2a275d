/*
 * grade.c -- the grader of lab dirty: one Criterion suite per step.
 * Steps 1 and 2 build a guest address space by hand, turn dirty logging on
 * and fill shadow entries through spt_fault(); step 3 migrates the teaching
 * kernel between two trapvisor processes over loopback.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "labs/lab.h"
#include "tests/kernel/krun.h"

static uint32_t root, t1, d[3];

#define VA(i) ((1u << 22) | ((uint32_t)(i) << 12))

static const uint32_t RWAD = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;

/* Root entry 1 -> t1, whose entries 0..2 map d[0..2] read-write. */
static void space(void)
{
	root = lab_page(0);
	t1 = lab_page(1);
	for (unsigned i = 0; i < 3; i++)
		d[i] = lab_page(2 + i);
	lab_poke(root + 4 * 1, lab_pte(t1, PTE_V));
	for (unsigned i = 0; i < 3; i++)
		lab_poke(t1 + 4 * i, lab_pte(d[i], RWAD));
	lab_satp(root, PRIV_S, 0);
}

static uint32_t gpage_of(uint32_t gpa)
{
	return (gpa - BOARD_RAM_BASE) >> 12;
}

static struct spt *spt(void)
{
	return &lab_vm->spt;
}

/* --- step 1: the fill logs writes --- */

TestSuite(step1, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step1, a_write_fill_logs_its_page)
{
	space();
	cr_assert_eq(spt_dirty_log_start(spt()), 0);
	cr_assert(lab_filled(VA(0), ACCESS_WRITE) & PTE_W, "a write must be let through");
	cr_assert(spt()->dirty_log[gpage_of(d[0])],
		  "the guest wrote d[0] (a write fill), but the dirty log does not say so");
	cr_assert_not(spt()->dirty_log[gpage_of(d[1])], "d[1] was not written");
}

Test(step1, a_read_fill_maps_read_only)
{
	space();
	cr_assert_eq(spt_dirty_log_start(spt()), 0);
	lab_filled(VA(1), ACCESS_READ);
	cr_assert_not(lab_shadow_pte(VA(1)) & PTE_W,
		      "a read filled d[1] writable while logging: its next write would go "
		      "unseen");
	cr_assert_not(spt()->dirty_log[gpage_of(d[1])], "a read is not a write");
	/* The write that follows faults, and is logged. */
	cr_assert(lab_filled(VA(1), ACCESS_WRITE) & PTE_W);
	cr_assert(spt()->dirty_log[gpage_of(d[1])], "the write after the read was not logged");
}

/* --- step 2: the harvest --- */

TestSuite(step2, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step2, the_harvest_reports_exactly_the_written_pages)
{
	space();
	cr_assert_eq(spt_dirty_log_start(spt()), 0);
	lab_filled(VA(0), ACCESS_WRITE);
	lab_filled(VA(2), ACCESS_WRITE);
	lab_filled(VA(1), ACCESS_READ);
	uint8_t *dirty = calloc(lab_vm->ram_size / SPT_PAGE, 1);
	cr_assert_eq(spt_dirty_log_harvest(spt(), dirty), 2, "two pages were written");
	cr_assert(dirty[gpage_of(d[0])] && dirty[gpage_of(d[2])], "d[0] and d[2] were written");
	cr_assert_not(dirty[gpage_of(d[1])], "d[1] was only read");
	memset(dirty, 0, lab_vm->ram_size / SPT_PAGE);
	cr_assert_eq(spt_dirty_log_harvest(spt(), dirty), 0,
		     "nothing was written since the last harvest: the log must be cleared");
	free(dirty);
}

Test(step2, harvested_pages_are_protected_again)
{
	space();
	cr_assert_eq(spt_dirty_log_start(spt()), 0);
	lab_filled(VA(0), ACCESS_WRITE);
	uint8_t *dirty = calloc(lab_vm->ram_size / SPT_PAGE, 1);
	spt_dirty_log_harvest(spt(), dirty);
	cr_assert(dirty[gpage_of(d[0])]);
	cr_assert_not(lab_shadow_pte(VA(0)) & PTE_W,
		      "after the harvest d[0] is still writable: its next write goes unseen");
	free(dirty);
}

/* --- step 3: a whole migration --- */

TestSuite(step3, .timeout = 120);

static char *slurp(const char *path)
{
	size_t len;
	char *s = krun_read_file(path, &len);
	cr_assert(s, "cannot read %s", path);
	return s;
}

Test(step3, memtouch_migrates_and_joins)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	close(fd);
	int port = ntohs(a.sin_port);
	char dir[] = "/tmp/lab-dirty-XXXXXX";
	cr_assert(mkdtemp(dir));
	char cmd[2048];
	const char *tv = KRUN_BUILD "/trapvisor";
	const char *guest = "--max-insns 400000000 --append run=memtouch:40 " LAB_KERNEL;
	snprintf(cmd, sizeof(cmd),
		 "cd %s && timeout 60 %s run %s </dev/null >whole.out 2>/dev/null; "
		 "(timeout 60 %s run --incoming 127.0.0.1:%d </dev/null >dst.out 2>dst.err; "
		 "echo $? >dst.status) & "
		 "timeout 60 %s run --mode=trap --migrate-to 127.0.0.1:%d --migrate-at 1500000 %s "
		 "</dev/null >src.out 2>src.err; wait",
		 dir, tv, guest, tv, port, tv, port, guest);
	cr_assert_eq(system(cmd), 0, "could not run: %s", cmd);
	char path[256];
#define LAB_FILE(name) (snprintf(path, sizeof(path), "%s/" name, dir), slurp(path))
	char *whole = LAB_FILE("whole.out"), *src = LAB_FILE("src.out"),
	     *src_err = LAB_FILE("src.err"), *dst = LAB_FILE("dst.out"),
	     *status = LAB_FILE("dst.status");
	cr_expect(strstr(src_err, "dirty pages by write protection"),
		  "the source did not migrate by write protection: %s", src_err);
	size_t ls = strlen(src);
	char *joined = malloc(ls + strlen(dst) + 1);
	memcpy(joined, src, ls);
	strcpy(joined + ls, dst);
	cr_expect_str_eq(joined, whole,
			 "the source's console and the destination's do not join into the run "
			 "that never moved (a missed write arrives stale)");
	cr_expect_eq(atoi(status), 0, "the destination's exit status: %s", status);
	free(joined);
	free(whole);
	free(src);
	free(src_err);
	free(dst);
	free(status);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}
