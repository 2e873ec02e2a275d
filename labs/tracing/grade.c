/*
 * grade.c -- the grader of lab tracing: one Criterion suite per step.
 * A guest address space is built by hand; the shadow is filled through
 * spt_fault(); then the guest's page tables change the way the monitor
 * changes them when it emulates a trapped store (vm_write_phys), and the
 * checks look at exactly which shadow entries survived.
 */
#include <criterion/criterion.h>

#include "labs/lab.h"
#include "tests/kernel/krun.h"

/* Guest pages: the root, two leaf tables, four data pages. */
static uint32_t root, t1, t2, d[4];

/* VA(j, i): root entry j, leaf entry i. */
#define VA(j, i) (((uint32_t)(j) << 22) | ((uint32_t)(i) << 12))

static const uint32_t RWAD = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;

/* Root entry 1 -> t1, whose entries 1 and 2 map d[0] and d[1]; root
 * entry 2 -> t2, whose entry 1 maps d[2].  The guest kernel's view. */
static void space(void)
{
	root = lab_page(0);
	t1 = lab_page(1);
	t2 = lab_page(2);
	for (unsigned i = 0; i < 4; i++)
		d[i] = lab_page(3 + i);
	lab_poke(root + 4 * 1, lab_pte(t1, PTE_V));
	lab_poke(root + 4 * 2, lab_pte(t2, PTE_V));
	lab_poke(t1 + 4 * 1, lab_pte(d[0], RWAD));
	lab_poke(t1 + 4 * 2, lab_pte(d[1], RWAD));
	lab_poke(t2 + 4 * 1, lab_pte(d[2], RWAD));
	lab_satp(root, PRIV_S, 0);
}

/* The monitor performs the guest's store of `val` at guest-physical
 * `gpa` (what trap.c does for a trapped page-table write). */
static void guest_store(uint32_t gpa, uint32_t val)
{
	cr_assert_eq(vm_write_phys(lab_vm, gpa, &val, 4), 0);
}

static uint32_t ppn(uint32_t e)
{
	return e >> PTE_PPN_SHIFT;
}

/* --- step 1: write protection --- */

TestSuite(step1, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step1, a_page_becoming_a_table_loses_write_access)
{
	space();
	/* d[3] is mapped writable at VA(1,3) and written through it... */
	lab_poke(t1 + 4 * 3, lab_pte(d[3], RWAD));
	cr_assert(lab_filled(VA(1, 3), ACCESS_WRITE) & PTE_W);
	/* ...then the guest makes it a leaf table (root entry 3) and uses it. */
	lab_poke(d[3] + 4 * 1, lab_pte(d[0], RWAD));
	guest_store(root + 4 * 3, lab_pte(d[3], PTE_V));
	lab_filled(VA(3, 1), ACCESS_READ);
	cr_assert_not(lab_shadow_pte(VA(1, 3)) & PTE_W,
		      "d[3] is now a page table a shadow was built from, but the shadow still "
		      "lets the guest write it at %#x without a trap",
		      VA(1, 3));
	cr_assert_eq(lab_miss(VA(1, 3), ACCESS_WRITE).result, SPT_PT_WRITE,
		     "the guest's store to its page table must now reach the monitor");
}

Test(step1, the_root_is_protected_when_it_goes_live)
{
	/* The root page mapped writable before the guest switches to it. */
	uint32_t r2 = lab_page(8);
	space();
	lab_poke(t1 + 4 * 3, lab_pte(r2, RWAD));
	cr_assert(lab_filled(VA(1, 3), ACCESS_WRITE) & PTE_W);
	lab_poke(r2 + 4 * 1, lab_pte(t1, PTE_V));
	lab_satp(r2, PRIV_S, 0); /* a new shadow is built from r2 */
	lab_satp(root, PRIV_S, 0);
	cr_assert_not(lab_shadow_pte(VA(1, 3)) & PTE_W,
		      "a guest root table is mapped writable in a shadow");
}

/* --- step 2: a root entry changed --- */

TestSuite(step2, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step2, the_4mib_it_covered_goes)
{
	space();
	lab_filled(VA(1, 1), ACCESS_READ);
	uint32_t keep = lab_filled(VA(2, 1), ACCESS_READ);
	/* Root entry 1 now points to t2: VA(1,1) must map d[2]. */
	guest_store(root + 4 * 1, lab_pte(t2, PTE_V));
	cr_assert_eq(lab_shadow_pte(VA(1, 1)), 0, "the shadow still maps VA(1,1) through t1");
	cr_assert_eq(lab_shadow_pte(VA(2, 1)), keep, "root entry 2 did not change");
	cr_assert_eq(ppn(lab_filled(VA(1, 1), ACCESS_READ)), lab_rppn(d[2]));
}

Test(step2, a_shadow_not_in_use)
{
	/* Two address spaces; the one not running has its root changed. */
	uint32_t root2 = lab_page(9);
	space();
	lab_filled(VA(1, 1), ACCESS_READ);
	lab_poke(root2 + 4 * 2, lab_pte(t2, PTE_V));
	lab_satp(root2, PRIV_S, 0);
	guest_store(root + 4 * 1, lab_pte(t2, PTE_V));
	lab_satp(root, PRIV_S, 0);
	uint32_t e = lab_shadow_pte(VA(1, 1));
	cr_assert(e == 0 || ppn(e) == lab_rppn(d[2]),
		  "back in the first space, VA(1,1) still maps the page of the old root entry");
}

/* --- step 3: a leaf entry changed --- */

TestSuite(step3, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step3, exactly_the_entry_written)
{
	space();
	lab_filled(VA(1, 1), ACCESS_READ);
	uint32_t keep = lab_filled(VA(1, 2), ACCESS_READ);
	uint64_t n = lab_vm->spt.stats.invalidations;
	guest_store(t1 + 4 * 1, lab_pte(d[3], RWAD)); /* remap VA(1,1) to d[3] */
	cr_assert_eq(lab_shadow_pte(VA(1, 1)), 0, "the shadow still maps VA(1,1) to d[0]");
	cr_assert_eq(lab_shadow_pte(VA(1, 2)), keep,
		     "VA(1,2)'s entry did not change, but its shadow entry did");
	cr_assert_eq(lab_vm->spt.stats.invalidations, n + 1, "one entry changed, %llu invalidated",
		     (unsigned long long)(lab_vm->spt.stats.invalidations - n));
	cr_assert_eq(ppn(lab_filled(VA(1, 1), ACCESS_READ)), lab_rppn(d[3]));
}

Test(step3, unmapping)
{
	space();
	lab_filled(VA(1, 1), ACCESS_READ);
	guest_store(t1 + 4 * 1, 0);
	cr_assert_eq(lab_shadow_pte(VA(1, 1)), 0, "an unmapped page is still mapped by the shadow");
	cr_assert_eq(lab_miss(VA(1, 1), ACCESS_READ).result, SPT_GUEST_FAULT);
}

Test(step3, every_shadow_mirroring_the_table)
{
	/* The same leaf table under two views: the kernel's and the user's. */
	space();
	lab_poke(t1 + 4 * 1, lab_pte(d[0], RWAD | PTE_U));
	lab_satp(root, PRIV_U, 0);
	lab_filled(VA(1, 1), ACCESS_READ);
	lab_satp(root, PRIV_S, SSTATUS_SUM);
	lab_filled(VA(1, 1), ACCESS_READ);
	guest_store(t1 + 4 * 1, lab_pte(d[3], RWAD | PTE_U));
	cr_assert_eq(lab_shadow_pte(VA(1, 1)), 0, "the current view still maps the old page");
	lab_satp(root, PRIV_U, 0);
	uint32_t e = lab_shadow_pte(VA(1, 1));
	cr_assert(e == 0 || ppn(e) == lab_rppn(d[3]), "the user's view still maps the old page");
}

/* --- step 4: the whole kernel --- */

TestSuite(step4, .timeout = 150);

Test(step4, page_table_churn)
{
	lab_equal_to_bare("trap", "run=ptchurn,memtouch:4", NULL);
}

Test(step4, processes)
{
	lab_equal_to_bare("trap", "run=spawnloop:40,pingpong:2", NULL);
}

#define HOSTILE KRUN_BUILD "/tests/monitor/hostile/"

/* `trapvisor run --mode=MODE --mem 4M --max-insns 200M ELF...`, bounded. */
static void run_vms(const char *mode, const char *a, const char *b, struct krun_result *r)
{
	char mode_opt[32];
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode);
	char *argv[] = { KRUN_TRAPVISOR, "run",	      mode_opt,	 "--mem",   "4M",
			 "--max-insns",	 "200000000", (char *)a, (char *)b, NULL };
	cr_assert_eq(krun(argv, NULL, 0, 60, r), 0);
	cr_assert_not(r->timed_out, "%s: timed out", a);
	cr_assert_eq(r->status, 0, "%s exited with status %d:\n%s%s", a, r->status, r->out, r->err);
}

/* Every line of `out` that starts with `prefix`, without it. */
static char *lines_of(const char *out, const char *prefix)
{
	size_t n = strlen(prefix), len = 0;
	char *res = calloc(1, strlen(out) + 1);
	cr_assert_not_null(res);
	for (const char *p = out; *p;) {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p + 1) : strlen(p);
		if (l >= n && !strncmp(p, prefix, n)) {
			memcpy(res + len, p + n, l - n);
			len += l - n;
		}
		p += l;
	}
	return res;
}

/* pt_self edits its own page tables through ordinary stores (tables that
 * map themselves, a recursive root entry): beside a well-behaved victim
 * VM it must see what it sees on the bare machine, and the victim what
 * it sees alone. */
Test(step4, self_mapping_tables_beside_a_victim)
{
	struct krun_result bare, victim, both;
	run_vms("bare", HOSTILE "pt_self.elf", NULL, &bare);
	run_vms("trap", HOSTILE "victim.elf", NULL, &victim);
	run_vms("trap", HOSTILE "pt_self.elf", HOSTILE "victim.elf", &both);
	char *mine = lines_of(both.out, "[vm0] "), *theirs = lines_of(both.out, "[vm1] ");
	cr_assert_str_eq(mine, bare.out, "pt_self under the monitor printed\n%s\non bare\n%s", mine,
			 bare.out);
	cr_assert_str_eq(theirs, victim.out, "the victim beside pt_self printed\n%s\nalone\n%s",
			 theirs, victim.out);
	free(mine);
	free(theirs);
	krun_free(&bare);
	krun_free(&victim);
	krun_free(&both);
}
