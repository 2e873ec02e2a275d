/*
 * lab.c -- the graders' shared set-up (lab.h).
 */
#include "labs/lab.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/board.h"
#include "tests/kernel/krun.h"

struct monitor lab_mon;
struct vm *lab_vm;

void lab_setup(void)
{
	lab_setup_kind(MON_KIND_TRAP, MON_PAGING_NESTED);
}

void lab_setup_kind(enum mon_kind kind, enum mon_paging paging)
{
	cr_assert_eq(monitor_init(&lab_mon, LAB_RAM, 1, kind, false), 0);
	lab_mon.mute = true;
	lab_mon.paging = paging;
	struct vm_config vc = { LAB_KERNEL, LAB_RAM, NULL, -1, VM_DMA_NONE };
	lab_vm = vm_create(&lab_mon, 0, &vc);
	cr_assert_not_null(lab_vm, "cannot load %s", LAB_KERNEL);
	lab_mon.vm[0] = lab_vm;
	lab_mon.nvm = 1;
	lab_mon.cur = lab_vm;
	if (kind == MON_KIND_VT)
		return; /* its state is the VMCS's, set up by vm_create */
	lab_vm->vcpu.csr.priv = PRIV_S;
	vm_switch_shadow(lab_vm);
}

void lab_teardown(void)
{
	monitor_destroy(&lab_mon);
}

void lab_trap(uint32_t cause, uint32_t tval, uint32_t pc)
{
	struct cpu_trap t = { cause, tval, pc };
	lab_mon.hw.pc = pc;
	monitor_trap(lab_vm, &t);
}

uint32_t lab_page(unsigned index)
{
	uint32_t gpa = BOARD_RAM_BASE + LAB_RAM - (index + 1) * 4096u;
	static const uint8_t zero[4096];
	cr_assert_eq(vm_write_phys(lab_vm, gpa, zero, sizeof(zero)), 0);
	return gpa;
}

uint32_t lab_peek(uint32_t gpa)
{
	uint32_t v = 0;
	cr_assert_eq(vm_read_phys(lab_vm, gpa, &v, 4), 0);
	return v;
}

void lab_poke(uint32_t gpa, uint32_t val)
{
	cr_assert_eq(vm_write_phys(lab_vm, gpa, &val, 4), 0);
}

uint32_t lab_rppn(uint32_t gpa)
{
	uint32_t gpage = 0;
	cr_assert(spt_p2r_page(&lab_vm->p2r, gpa, &gpage), "%#x is not guest RAM", gpa);
	return spt_frame_ppn(&lab_mon.frames, lab_vm->p2r.frame[gpage]);
}

uint32_t lab_shadow_pte(uint32_t va)
{
	const struct spt_tree *t = lab_vm->spt.cur;
	uint32_t leaf = t->leaf[va >> 22];
	if (leaf == SPT_NONE)
		return 0;
	const uint32_t *p = (const uint32_t *)(void *)spt_frame_ptr(&lab_mon.frames, leaf);
	return p[(va >> 12) & 1023];
}

struct spt_fault lab_miss(uint32_t va, enum mmu_access access)
{
	struct spt_fault f;
	const struct csr_file *c = &lab_vm->vcpu.csr;
	spt_fault(&lab_vm->spt, va, access, c->priv, c->sstatus, &f);
	return f;
}

uint32_t lab_filled(uint32_t va, enum mmu_access access)
{
	struct spt_fault f = lab_miss(va, access);
	cr_assert_eq(f.result, SPT_FILLED,
		     "a %s at %#x the guest allows must fill the shadow (got %s)",
		     access == ACCESS_EXEC   ? "fetch"
		     : access == ACCESS_READ ? "load"
					     : "store",
		     va, f.result == SPT_GUEST_FAULT ? "a guest fault" : "something else");
	uint32_t e = lab_shadow_pte(va);
	cr_assert(e & PTE_V, "no valid shadow entry for %#x after the fill", va);
	return e;
}

void lab_satp(uint32_t root, enum cpu_priv priv, uint32_t sstatus)
{
	struct csr_file *c = &lab_vm->vcpu.csr;
	c->priv = priv;
	c->sstatus = sstatus;
	c->satp = SATP_MODE_SV32 | (root >> 12);
	vm_switch_shadow(lab_vm);
}

/* The kernel run as `how`: "MODE [--OPTION=VALUE...]" (at most 4
 * options), bounded by `max_insns`, with `input` (or NULL) on its
 * console; 0 or -1 (cannot start).  --mode=pv boots the kernel built for
 * it. */
static int lab_run(const char *how, const char *bootargs, const char *input,
		   unsigned long long max_insns, struct krun_result *r)
{
	char words[256], mode_opt[64], max_opt[64];
	snprintf(words, sizeof(words), "%s", how);
	char *save = NULL, *mode = strtok_r(words, " ", &save);
	cr_assert_not_null(mode);
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode);
	snprintf(max_opt, sizeof(max_opt), "--max-insns=%llu", max_insns);
	const char *kernel = strcmp(mode, "pv") ? KRUN_KERNEL : KRUN_BUILD "/guests/kernel-pv.elf";
	char *argv[16] = { KRUN_TRAPVISOR, "run", mode_opt, max_opt, "--stats" };
	int n = 5;
	for (char *o; n < 9 && (o = strtok_r(NULL, " ", &save));)
		argv[n++] = o;
	argv[n++] = "--append";
	argv[n++] = (char *)bootargs;
	argv[n++] = (char *)kernel;
	argv[n] = NULL;
	size_t len = 0;
	char *in = NULL, path[4096];
	if (input) {
		snprintf(path, sizeof(path), "%s/%s", KRUN_EXPECTED, input);
		in = krun_read_file(path, &len);
		cr_assert_not_null(in, "cannot read %s", path);
	}
	int rc = krun(argv, in, len, 60, r);
	free(in);
	return rc;
}

static unsigned long long lab_retired(const struct krun_result *r)
{
	const char *p = strstr(r->err, "instructions retired: ");
	cr_assert(p, "no --stats in:\n%s", r->err);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

void lab_equal_to_bare(const char *mode, const char *bootargs, const char *input)
{
	struct krun_result b, t;
	/* The bare machine of the same --isa. */
	const char *isa = strstr(mode, "--isa=");
	char bare[64];
	snprintf(bare, sizeof(bare), "bare %.*s", isa ? (int)strcspn(isa, " ") : 0, isa ? isa : "");
	cr_assert_eq(lab_run(bare, bootargs, input, LAB_MAX_INSNS, &b), 0);
	cr_assert_eq(b.status == 124 || b.timed_out, 0, "%s: the bare run did not end", bootargs);
	/* The same work retires the same count: twice the bare run's count
	 * (a trap counts as one) is plenty, and stops a trap loop early. */
	unsigned long long nbare = lab_retired(&b);
	/* (A paravirtual kernel is another program: under pv, critical
	 * retires 3.8 times what the strict kernel does on bare.) */
	bool pv = !strncmp(mode, "pv", 2) && (!mode[2] || mode[2] == ' ');
	cr_assert_eq(lab_run(mode, bootargs, input, (pv ? 8 : 2) * nbare + 100000, &t), 0);
	cr_assert_not(t.timed_out, "%s: --mode=%s timed out", bootargs, mode);
	cr_assert_neq(t.status, 124, "%s: --mode=%s ran out of --max-insns (a trap loop?):\n%s",
		      bootargs, mode, t.err);
	cr_assert_str_eq(t.out, b.out, "%s: --mode=%s printed\n%s\n--mode=%s printed\n%s", bootargs,
			 mode, t.out, bare, b.out);
	cr_assert_eq(t.status, b.status, "%s: exit status %s %d, bare %d", bootargs, mode, t.status,
		     b.status);
	/* A paravirtual kernel is another program: only its output counts. */
	if (!pv)
		cr_assert_eq(lab_retired(&t), nbare, "%s: %s retired %llu instructions, bare %llu",
			     bootargs, mode, lab_retired(&t), nbare);
	krun_free(&b);
	krun_free(&t);
}
