/*
 * shadow.c -- building, caching and invalidating shadow page tables
 * (shadow.h).  The hardware only ever walks these; the guest's own tables
 * are read by the monitor, never by the hardware.
 */
#include "shadowpt/shadow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Panic: a broken invariant of the monitor (never a guest's doing). */
#define SPT_PANIC(msg)                                                                     \
	do {                                                                               \
		fprintf(stderr, "trapvisor: %s:%d: panic: %s\n", __FILE__, __LINE__, msg); \
		abort();                                                                   \
	} while (0)

static uint32_t *spt_table(const struct spt *s, uint32_t frame)
{
	return (uint32_t *)(void *)spt_frame_ptr(s->frames, frame);
}

int spt_init(struct spt *s, struct spt_frames *frames, const struct spt_p2r *p2r, struct cpu *hw)
{
	memset(s, 0, sizeof(*s));
	s->frames = frames;
	s->p2r = p2r;
	s->hw = hw;
	s->hw_satp = &hw->csr.satp;
	s->pt_refs = calloc(p2r->npages, sizeof(*s->pt_refs));
	s->rmap_head = malloc(p2r->npages * sizeof(*s->rmap_head));
	if (!s->pt_refs || !s->rmap_head) {
		fprintf(stderr, "trapvisor: no memory for shadow page-table bookkeeping\n");
		free(s->pt_refs);
		free(s->rmap_head);
		return -1;
	}
	for (uint32_t g = 0; g < p2r->npages; g++)
		s->rmap_head[g] = -1;
	return 0;
}

/* --- the reverse map --- */

static int32_t spt_slot(const struct spt *s, const struct spt_tree *tree, int j)
{
	return (int32_t)(tree - s->trees) * 1024 + j;
}

/* Leaf j of `tree` now mirrors guest page `gpage`. */
static void spt_rmap_add(struct spt *s, struct spt_tree *tree, int j, uint32_t gpage)
{
	if (gpage == SPT_NONE)
		return;
	int32_t n = spt_slot(s, tree, j), head = s->rmap_head[gpage];
	s->rmap_prev[n] = -1;
	s->rmap_next[n] = head;
	if (head >= 0)
		s->rmap_prev[head] = n;
	s->rmap_head[gpage] = n;
}

/* ... and no longer does. */
static void spt_rmap_del(struct spt *s, struct spt_tree *tree, int j, uint32_t gpage)
{
	if (gpage == SPT_NONE)
		return;
	int32_t n = spt_slot(s, tree, j), prev = s->rmap_prev[n], next = s->rmap_next[n];
	if (prev >= 0)
		s->rmap_next[prev] = next;
	else
		s->rmap_head[gpage] = next;
	if (next >= 0)
		s->rmap_prev[next] = prev;
}

bool spt_protected(const struct spt *s, uint32_t gpage)
{
	return gpage < s->p2r->npages && s->pt_refs[gpage];
}

/* --- write protection --- */

/* Every shadow entry (of every tree) that maps machine page `rppn` (any,
 * for SPT_ANY_PAGE) keeps only the bits in `keep`: ~PTE_W takes write
 * access away, 0 unmaps. */
#define SPT_ANY_PAGE 0xffffffffu
static void spt_strip_mappings(struct spt *s, uint32_t rppn, uint32_t keep)
{
	for (int t = 0; t < SPT_TREES; t++) {
		struct spt_tree *tree = &s->trees[t];
		if (!tree->used)
			continue;
		for (int j = 0; j < 1024; j++) {
			if (tree->leaf[j] == SPT_NONE)
				continue;
			uint32_t *leaf = spt_table(s, tree->leaf[j]);
			for (int i = 0; i < 1024; i++)
				if ((leaf[i] & PTE_V) &&
				    (rppn == SPT_ANY_PAGE || (leaf[i] >> PTE_PPN_SHIFT) == rppn))
					leaf[i] &= keep;
		}
	}
	mmu_flush_tag(s->hw, s->tlb_tag);
}

void spt_unmap_gpage(struct spt *s, uint32_t gpage)
{
	spt_strip_mappings(s, spt_frame_ppn(s->frames, s->p2r->frame[gpage]), 0);
}

/* A guest page just became a source of some shadow: no shadow may map it
 * writable any more, or the guest could change its page table unseen. */
static void spt_revoke_writes(struct spt *s, uint32_t gpage)
{
	spt_strip_mappings(s, spt_frame_ppn(s->frames, s->p2r->frame[gpage]), ~PTE_W);
	s->stats.revokes++;
}

static void spt_ref(struct spt *s, uint32_t gpage)
{
	if (gpage == SPT_NONE)
		return;
	/* LAB tracing step 1 BEGIN: write-protect a new page-table source */
	if (s->pt_refs[gpage]++ == 0)
		spt_revoke_writes(s, gpage);
	/* LAB STUB */
	//| /* Not written yet: counted, but mappings made before stay writable.
	//|  * (spt_revoke_writes, above, is yours to call.) */
	//| (void)spt_revoke_writes;
	//| s->pt_refs[gpage]++;
	/* LAB END */
}

static void spt_unref(struct spt *s, uint32_t gpage)
{
	if (gpage == SPT_NONE)
		return;
	if (s->pt_refs[gpage] == 0)
		SPT_PANIC("page-table reference count underflow");
	/* Dropping to 0 needs no action: the next write to the page faults
	 * once more and is then mapped writable (lazily). */
	s->pt_refs[gpage]--;
}

/* --- trees --- */

/* Remove shadow leaf j of `tree` (and the guest leaf table it came from
 * stops being protected on its account). */
static void spt_drop_leaf(struct spt *s, struct spt_tree *tree, int j)
{
	if (tree->leaf[j] == SPT_NONE)
		return;
	spt_table(s, tree->root)[j] = 0;
	spt_frame_free(s->frames, tree->leaf[j]);
	spt_rmap_del(s, tree, j, tree->src[j]);
	spt_unref(s, tree->src[j]);
	tree->leaf[j] = SPT_NONE;
	tree->src[j] = SPT_NONE;
}

static void spt_evict(struct spt *s, struct spt_tree *tree)
{
	for (int j = 0; j < 1024; j++)
		spt_drop_leaf(s, tree, j);
	spt_unref(s, tree->root_gpage);
	spt_frame_free(s->frames, tree->root);
	tree->used = false;
	s->stats.evictions++;
	if (s->cur == tree)
		s->cur = NULL;
}

/* The least recently used tree other than the current one, or NULL. */
static struct spt_tree *spt_lru(struct spt *s)
{
	struct spt_tree *victim = NULL;
	for (int t = 0; t < SPT_TREES; t++) {
		struct spt_tree *tree = &s->trees[t];
		if (tree->used && tree != s->cur && (!victim || tree->stamp < victim->stamp))
			victim = tree;
	}
	return victim;
}

/* A frame for a shadow table, evicting other shadows if memory is short. */
static uint32_t spt_alloc(struct spt *s)
{
	for (;;) {
		uint32_t f = spt_frame_alloc(s->frames);
		if (f != SPT_NO_FRAME)
			return f;
		struct spt_tree *victim = spt_lru(s);
		if (!victim)
			SPT_PANIC("no machine frames left for shadow page tables");
		spt_evict(s, victim);
	}
}

void spt_switch(struct spt *s, uint32_t gsatp, enum spt_view view)
{
	/* The key: MODE and root PPN.  The ASID does not matter: shadows are
	 * per root table, and a reused root is caught by write protection. */
	uint32_t key = (gsatp & SATP_MODE_SV32) ? (gsatp & (SATP_MODE_SV32 | SATP_PPN_MASK)) : 0;
	struct spt_tree *tree = NULL, *free_slot = NULL;

	for (int t = 0; t < SPT_TREES; t++) {
		struct spt_tree *c = &s->trees[t];
		if (c->used && c->gsatp == key && c->view == view)
			tree = c;
		else if (!c->used && !free_slot)
			free_slot = c;
	}
	if (!tree) {
		if (!free_slot) {
			free_slot = spt_lru(s);
			spt_evict(s, free_slot);
		}
		tree = free_slot;
		tree->used = true;
		tree->gsatp = key;
		tree->view = view;
		tree->root = spt_alloc(s);
		for (int j = 0; j < 1024; j++)
			tree->leaf[j] = tree->src[j] = SPT_NONE;
		/* The guest root table is a source of this shadow from now on. */
		uint32_t gpage;
		uint64_t root_gpa = (uint64_t)(key & SATP_PPN_MASK) << 12;
		tree->root_gpage =
		    (key && spt_p2r_page(s->p2r, root_gpa, &gpage)) ? gpage : SPT_NONE;
		spt_ref(s, tree->root_gpage);
		s->stats.builds++;
	}
	tree->stamp = ++s->clock;
	uint32_t satp = SATP_MODE_SV32 | spt_frame_ppn(s->frames, tree->root);
	if (s->cur == tree && *s->hw_satp == satp)
		return; /* already the hardware's: every change to it was flushed */
	s->stats.switches++;
	s->cur = tree;
	/* Hand the shadow to the hardware: a satp write and a TLB flush. */
	*s->hw_satp = satp;
	mmu_flush_tag(s->hw, s->tlb_tag);
}

void spt_drop_all(struct spt *s)
{
	for (int t = 0; t < SPT_TREES; t++)
		if (s->trees[t].used)
			spt_evict(s, &s->trees[t]);
	s->cur = NULL;
}

static void spt_bt_drop(struct spt *s, uint32_t gpage);

void spt_destroy(struct spt *s)
{
	spt_drop_all(s);
	if (s->bt_frame)
		for (uint32_t g = 0; g < s->p2r->npages; g++)
			spt_bt_drop(s, g);
	free(s->bt_frame);
	free(s->pt_refs);
	s->pt_refs = NULL;
	free(s->rmap_head);
	s->rmap_head = NULL;
	spt_dirty_log_stop(s);
}

int spt_enable_bt(struct spt *s, spt_bt_rewrite_fn rewrite, void *ctx)
{
	s->bt_frame = malloc((size_t)s->p2r->npages * sizeof(*s->bt_frame));
	if (!s->bt_frame) {
		fprintf(stderr, "trapvisor: no memory for binary translation\n");
		return -1;
	}
	for (uint32_t g = 0; g < s->p2r->npages; g++)
		s->bt_frame[g] = SPT_NONE;
	s->bt_rewrite = rewrite;
	s->bt_ctx = ctx;
	return 0;
}

/* --- binary translation --- */

/* The guest wrote a page we run from a translated copy: the copy is
 * stale.  Drop it; the next execution translates the page anew. */
static void spt_bt_drop(struct spt *s, uint32_t gpage)
{
	if (!s->bt_frame || s->bt_frame[gpage] == SPT_NONE)
		return;
	spt_strip_mappings(s, spt_frame_ppn(s->frames, s->bt_frame[gpage]), 0);
	spt_frame_free(s->frames, s->bt_frame[gpage]);
	s->bt_frame[gpage] = SPT_NONE;
	spt_unref(s, gpage);
	s->stats.bt_drops++;
}

/* The translated copy of guest page `gpage`, made on first use: the
 * original's bytes, rewritten by the translator.  The original becomes
 * write-protected (a write to it must drop the copy). */
static uint32_t spt_bt_copy(struct spt *s, uint32_t gpage)
{
	if (s->bt_frame[gpage] != SPT_NONE)
		return s->bt_frame[gpage];
	uint32_t f = spt_alloc(s);
	spt_p2r_touch(s->p2r, s->frames, gpage); /* the original's bytes */
	memcpy(spt_frame_ptr(s->frames, f), spt_frame_ptr(s->frames, s->p2r->frame[gpage]),
	       SPT_PAGE);
	s->bt_rewrite(s->bt_ctx, spt_table(s, f), gpage);
	/* The frame may have held another page's copy, whose decoded ops
	 * the hart still keeps under this machine address. */
	cpu_code_written(s->hw, (uint64_t)spt_frame_ppn(s->frames, f) << 12, SPT_PAGE);
	s->bt_frame[gpage] = f;
	spt_ref(s, gpage);
	s->stats.bt_pages++;
	return f;
}

/* --- filling --- */

/* The guest's page tables live in guest-physical memory: P -> R. */
static uint8_t *spt_guest_pte(void *ctx, uint64_t gpa)
{
	struct spt *s = ctx;
	return spt_p2r_ptr(s->p2r, s->frames, gpa, 4);
}

/* The monitor wrote guest RAM [gpa, gpa+len), inside one page.  Those
 * bytes may be code, which the hardware keeps in two caches a guest store
 * would have told: the hart's decoded ops of the page's machine frame,
 * and (--mode=bt) the page's translated copy, dropped so that the next
 * execution translates the new bytes.  Every write the monitor makes to
 * guest memory comes here: spt_pt_written's, and the A/D bits of its
 * own walks of the guest's tables (spt_walk). */
static void spt_code_written(struct spt *s, uint64_t gpa, uint32_t len)
{
	uint32_t gpage;
	if (!len || !spt_p2r_page(s->p2r, gpa, &gpage))
		return;
	if (s->dirty_log)
		s->dirty_log[gpage] = 1; /* a write no shadow entry saw */
	uint64_t mpa =
	    ((uint64_t)spt_frame_ppn(s->frames, s->p2r->frame[gpage]) << 12) | (gpa & 0xfff);
	cpu_code_written(s->hw, mpa, len);
	spt_bt_drop(s, gpage);
}

/* The monitor's walk of the guest's table at satp `gsatp`, with the
 * hardware's rules and its A/D updates.  Those updates are stores into
 * guest memory made behind the guest's back, and the PTE word may be an
 * instruction too (a page table inside a code page): it must reach the
 * caches of code like any store.  Shadows need no invalidation: A and D
 * only ever widen what a shadow derives from the entry (W waits for D),
 * so an entry built before stays safe, merely stricter. */
static int spt_walk(struct spt *s, uint32_t gsatp, uint32_t va, enum mmu_access access,
		    enum cpu_priv vpriv, uint32_t vsstatus, struct sv32_walk *w)
{
	int cause = sv32_walk(spt_guest_pte, s, gsatp, va, access, vpriv, vsstatus, w);
	if (w->wrote)
		spt_code_written(s, w->pte_pa[w->steps - 1], 4);
	return cause;
}

/* Add V -> R to the current shadow, with `flags`, in the leaf that mirrors
 * guest leaf table `src` (SPT_NONE: a megapage or MMU off). */
static void spt_install(struct spt *s, uint32_t va, uint32_t rppn, uint32_t flags, uint32_t src)
{
	struct spt_tree *tree = s->cur;
	int j = va >> 22, i = (va >> 12) & 1023;

	if (tree->leaf[j] != SPT_NONE && tree->src[j] != src)
		spt_drop_leaf(s, tree, j); /* entry j now has another source */
	if (tree->leaf[j] == SPT_NONE) {
		uint32_t f = spt_alloc(s);
		tree = s->cur; /* (eviction never takes the current tree) */
		tree->leaf[j] = f;
		tree->src[j] = src;
		spt_rmap_add(s, tree, j, src);
		spt_table(s, tree->root)[j] =
		    (spt_frame_ppn(s->frames, f) << PTE_PPN_SHIFT) | PTE_V;
		spt_ref(s, src);
	}
	spt_table(s, tree->leaf[j])[i] = (rppn << PTE_PPN_SHIFT) | flags;
	mmu_flush_page_tag(s->hw, s->tlb_tag, va);
}

void spt_fault(struct spt *s, uint32_t va, enum mmu_access access, enum cpu_priv vpriv,
	       uint32_t vsstatus, struct spt_fault *out)
{
	uint32_t gsatp = s->cur->gsatp, leaf, src = SPT_NONE, gpage;
	uint64_t gpa;

	memset(out, 0, sizeof(*out));
	if (gsatp) {
		/* LAB shadow step 1 BEGIN: walk the guest's table, reflect its faults */
		/* Step 2a: V -> P through the guest's table, with the hardware's
		 * own rules (and its A/D updates, made in guest memory). */
		int cause = spt_walk(s, gsatp, va, access, vpriv, vsstatus, &out->walk);
		out->walked = true;
		if (cause) {
			out->result = SPT_GUEST_FAULT;
			out->cause = (uint32_t)cause;
			s->stats.guest_faults++;
			return;
		}
		gpa = out->walk.pa;
		leaf = out->walk.pte[out->walk.steps - 1];
		if (out->walk.steps == 2 && !spt_p2r_page(s->p2r, out->walk.table[1], &src))
			src = SPT_NONE;
		/* LAB STUB */
		//| /* Not written yet: with its MMU on, every access the shadow
		//|  * misses is a page fault for the guest.  (vpriv and vsstatus
		//|  * are for your walk.) */
		//| (void)vpriv;
		//| (void)vsstatus;
		//| out->result = SPT_GUEST_FAULT;
		//| out->cause = access == ACCESS_EXEC   ? EXC_insn_page_fault
		//| 	     : access == ACCESS_READ ? EXC_load_page_fault
		//| 				     : EXC_store_page_fault;
		//| s->stats.guest_faults++;
		//| return;
		/* LAB END */
	} else {
		/* Guest MMU off: V = P, everything allowed -- in whichever mode
		 * the guest is.  The trap-and-emulate views make their own U
		 * bit below, but the native view copies this leaf's U, and
		 * there the hardware applies it to the guest's real mode: an
		 * S-mode guest may not execute a U page, a U-mode guest may
		 * not touch a non-U one.  So the leaf pretends to be a user
		 * page exactly when the guest runs in U-mode.  When it changes
		 * mode, its next access to the page faults once more, and the
		 * fill rewrites the entry for the new mode. */
		gpa = va;
		leaf = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
		if (vpriv == PRIV_U)
			leaf |= PTE_U;
	}
	out->gpa = gpa;

	/* Not guest RAM: a device (only loads and stores reach devices). */
	if (!spt_p2r_page(s->p2r, gpa, &gpage)) {
		/* An assigned device's page: map its register frame, readable
		 * and writable as the guest's entry allows, never executable.
		 * From now on the guest reaches the device with no trap. */
		if (s->direct_gpa && (gpa >> 12) == (s->direct_gpa >> 12) &&
		    access != ACCESS_EXEC && (leaf & PTE_R)) {
			uint32_t flags = PTE_V | PTE_A | PTE_D | PTE_R;
			flags |= s->cur->view == SPT_VIEW_NATIVE ? (leaf & PTE_U) : PTE_U;
			if ((leaf & PTE_W) && (leaf & PTE_D))
				flags |= PTE_W;
			out->rppn = spt_frame_ppn(s->frames, s->direct_frame);
			spt_install(s, va, out->rppn, flags, src);
			out->result = SPT_FILLED;
			s->stats.fills++;
			return;
		}
		if (access == ACCESS_EXEC) {
			out->result = SPT_GUEST_FAULT;
			out->cause = EXC_insn_access;
			s->stats.guest_faults++;
		} else {
			out->result = SPT_MMIO;
			s->stats.mmio++;
		}
		return;
	}
	/* Step 3's trap: a store to a page some shadow was derived from (or
	 * that runs from a translated copy). */
	if (access == ACCESS_WRITE && s->pt_refs[gpage]) {
		out->result = SPT_PT_WRITE;
		s->stats.pt_writes++;
		return;
	}

	/* Binary translation: the guest kernel executes its pages from
	 * rewritten copies, mapped execute-only so it cannot read them; its
	 * loads from such a page are served from the original bytes. */
	bool bt = s->bt_rewrite && s->cur->view != SPT_VIEW_U;
	if (bt && access == ACCESS_EXEC) {
		uint32_t f = spt_bt_copy(s, gpage);
		out->rppn = spt_frame_ppn(s->frames, f);
		spt_install(s, va, out->rppn, PTE_V | PTE_U | PTE_A | PTE_D | PTE_X, src);
		out->result = SPT_FILLED;
		s->stats.fills++;
		return;
	}
	if (bt && s->bt_frame[gpage] != SPT_NONE) {
		out->result = SPT_BT_READ;
		s->stats.bt_reads++;
		return;
	}

	/* Step 2b: compose with P -> R.  Under trap-and-emulate the hardware
	 * runs the guest in U-mode, so every shadow entry has U=1, and what
	 * the guest's mode may do is decided by which view this is.  Under
	 * TVT (the native view) the guest runs in its own modes: copy U, R
	 * and X, and let the hardware apply U, SUM and MXR as the guest's
	 * would.  Either way, W only once the guest's D is set (so the first
	 * write faults here and sets it) and never on a protected page. */
	uint32_t flags;
	if (s->cur->view == SPT_VIEW_NATIVE) {
		flags = PTE_V | PTE_A | PTE_D | (leaf & (PTE_U | PTE_R | PTE_X));
	} else {
		/* LAB shadow step 2 BEGIN: the entry's permissions for the view */
		flags = PTE_V | PTE_U | PTE_A | PTE_D;
		if ((leaf & PTE_R) || ((vsstatus & SSTATUS_MXR) && (leaf & PTE_X)))
			flags |= PTE_R;
		if ((leaf & PTE_X) && !(s->cur->view != SPT_VIEW_U && (leaf & PTE_U)) && !bt)
			flags |= PTE_X; /* the guest kernel never executes user pages;
					 * with bt, it executes only translated copies */

		/* LAB STUB */
		//| /* Not written yet: every view may read and execute everything. */
		//| flags = PTE_V | PTE_U | PTE_A | PTE_D | PTE_R | PTE_X;
		/* LAB END */
	}
	/* LAB shadow step 3 BEGIN: write access, dirty bits and protection */
	if ((leaf & PTE_W) && (leaf & PTE_D) && !s->pt_refs[gpage])
		flags |= PTE_W;
	/* LAB STUB */
	//| /* Not written yet: writable as soon as the guest says so. */
	//| if (leaf & PTE_W)
	//| 	flags |= PTE_W;
	/* LAB END */
	/* The miss's third reason (--mem-limit): the page is not resident;
	 * bring it back from the swap file before mapping it. */
	if (spt_p2r_touch(s->p2r, s->frames, gpage)) {
		out->not_resident = true;
		s->stats.not_resident++;
	}
	/* LAB dirty step 1 BEGIN: log the page a write fills */
	/* Dirty logging: W only for a write, which is then the page's first
	 * since the last harvest -- log it.  A read maps it read-only, so the
	 * write that follows faults here too. */
	if (s->dirty_log && (flags & PTE_W)) {
		if (access == ACCESS_WRITE) {
			s->dirty_log[gpage] = 1;
			s->stats.dirty_faults++;
		} else {
			flags &= ~PTE_W;
		}
	}
	/* LAB STUB */
	//| /* Not written yet: pages are mapped writable, written unseen. */
	/* LAB END */
	out->rppn = spt_frame_ppn(s->frames, s->p2r->frame[gpage]);
	spt_install(s, va, out->rppn, flags, src);
	out->result = SPT_FILLED;
	s->stats.fills++;
}

/* --- dirty logging --- */

/* Take W out of every shadow entry of every tree: the next write to any
 * page faults (and is logged). */
static void spt_strip_all_writes(struct spt *s)
{
	spt_strip_mappings(s, SPT_ANY_PAGE, ~PTE_W);
}

int spt_dirty_log_start(struct spt *s)
{
	if (!s->dirty_log) {
		s->dirty_log = calloc(s->p2r->npages, 1);
		if (!s->dirty_log)
			return -1;
	}
	spt_strip_all_writes(s);
	return 0;
}

uint32_t spt_dirty_log_harvest(struct spt *s, uint8_t *dirty)
{
	uint32_t n = 0;
	/* LAB dirty step 2 BEGIN: harvest the log, protect again */
	for (uint32_t g = 0; g < s->p2r->npages; g++) {
		if (!s->dirty_log[g])
			continue;
		dirty[g] = 1;
		s->dirty_log[g] = 0;
		n++;
	}
	/* The pages just harvested are writable in some shadow: until W is
	 * gone again, the guest's next writes to them would go unseen. */
	spt_strip_all_writes(s);
	/* LAB STUB */
	//| /* Not written yet: nothing is ever reported dirty. */
	//| (void)s;
	//| (void)dirty;
	/* LAB END */
	return n;
}

void spt_dirty_log_stop(struct spt *s)
{
	free(s->dirty_log);
	s->dirty_log = NULL; /* W comes back lazily, through the fills */
}

void spt_use_tvt(struct spt *s, uint32_t *satp, unsigned tag)
{
	s->hw_satp = satp;
	s->tlb_tag = tag;
}

int spt_guest_translate(struct spt *s, uint32_t va, enum mmu_access access, enum cpu_priv vpriv,
			uint32_t vsstatus, uint64_t *gpa)
{
	return spt_guest_walk(s, s->cur ? s->cur->gsatp : 0, va, access, vpriv, vsstatus, gpa);
}

int spt_guest_walk(struct spt *s, uint32_t gsatp, uint32_t va, enum mmu_access access,
		   enum cpu_priv vpriv, uint32_t vsstatus, uint64_t *gpa)
{
	if (!(gsatp & SATP_MODE_SV32)) {
		*gpa = va;
		return 0;
	}
	struct sv32_walk w;
	int cause = spt_walk(s, gsatp, va, access, vpriv, vsstatus, &w);
	if (!cause)
		*gpa = w.pa;
	return cause;
}

/* --- invalidation --- */

void spt_pt_written(struct spt *s, uint64_t gpa, uint32_t len)
{
	uint32_t gpage;
	/* The bytes may be code (self-modifying code: decode and translate
	 * again), and may be a page table some shadow was derived from. */
	spt_code_written(s, gpa, len);
	if (!len || !spt_p2r_page(s->p2r, gpa, &gpage) || !s->pt_refs[gpage])
		return;
	int first = (int)((gpa & 0xfff) >> 2);
	int last = (int)(((gpa & 0xfff) + len - 1) >> 2);
	if (last > 1023)
		last = 1023;
	/* LAB tracing step 2 BEGIN: a guest root entry changed */
	for (int t = 0; t < SPT_TREES; t++) {
		struct spt_tree *tree = &s->trees[t];
		if (!tree->used)
			continue;
		/* A shadow not in use, derived from the page being written: its
		 * address space is most likely being torn down and its pages
		 * recycled (a kernel zeroing a freed page table writes it 1024
		 * times).  Dropping what derives from the page -- rather than
		 * one entry per write -- lets the page lose its protection, so
		 * the rest of those writes run at full speed. */
		bool idle = tree != s->cur;
		if (tree->root_gpage == gpage && idle) {
			spt_evict(s, tree);
			s->stats.invalidations++;
			continue;
		}
		/* A guest root entry changed: the 4 MiB it covered. */
		if (tree->root_gpage == gpage) {
			for (int e = first; e <= last; e++) {
				if (tree->leaf[e] == SPT_NONE)
					continue;
				spt_drop_leaf(s, tree, e);
				mmu_flush_tag(s->hw, s->tlb_tag);
				s->stats.invalidations++;
			}
		}
	}
	/* LAB STUB */
	//| /* Not written yet: shadows built from this root keep the old entries. */
	/* LAB END */
	/* LAB tracing step 3 BEGIN: a guest leaf entry changed */
	/* A guest leaf entry changed: the page it mapped, in every shadow leaf
	 * that mirrors this guest leaf table -- found through the reverse map,
	 * not by scanning every tree. */
	for (int32_t n = s->rmap_head[gpage], next; n >= 0; n = next) {
		next = s->rmap_next[n]; /* n may leave the list below */
		struct spt_tree *tree = &s->trees[n / 1024];
		int j = n % 1024;
		if (tree != s->cur) {
			spt_drop_leaf(s, tree, j); /* idle: see above */
			s->stats.invalidations++;
			continue;
		}
		uint32_t *leaf = spt_table(s, tree->leaf[j]);
		for (int e = first; e <= last; e++) {
			if (!leaf[e])
				continue;
			leaf[e] = 0;
			mmu_flush_page_tag(s->hw, s->tlb_tag,
					   ((uint32_t)j << 22) | ((uint32_t)e << 12));
			s->stats.invalidations++;
		}
	}
	/* LAB STUB */
	//| /* Not written yet: shadow leaves mirroring this table keep the old
	//|  * entries.  (first and last are the entries the write touched.) */
	//| (void)first;
	//| (void)last;
	/* LAB END */
}
