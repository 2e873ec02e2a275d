/*
 * walk.c -- walk an x86-64 guest page table by hand, as the MMU does.
 *
 * A 48-bit virtual address (57-bit with CR4.LA57) splits into 9-bit
 * indexes, one per level, and a page offset:
 *
 *   63    57 56  48 47  39 38  30 29  21 20  12 11       0
 *  +--------+------+------+------+------+------+----------+
 *  | sign   | PML5 | PML4 | PDPT |  PD  |  PT  |  offset  |
 *  +--------+------+------+------+------+------+----------+
 *
 * Every entry is 64 bits:
 *
 *   63  62   52 51            12 11  9 8 7  6 5 4   3   2  1  0
 *  +--+-------+----------------+-----+-+--+-+-+---+---+--+--+-+
 *  |XD| avail | physical frame |avail|G|PS|D|A|PCD|PWT|US|RW|P|
 *  +--+-------+----------------+-----+-+--+-+-+---+---+--+--+-+
 *
 * PS = 1 in a PDPT entry maps a 1 GiB page, in a PD entry a 2 MiB page.
 * This walk finds the guest-physical address; KVM's EPT/NPT then maps
 * that to host memory, which for us is simply the memory slot's mmap.
 */
#include "x86-vtx/walk.h"
#include "viz/render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define PTE_P	 0x1ULL
#define PTE_RW	 0x2ULL
#define PTE_US	 0x4ULL
#define PTE_A	 0x20ULL
#define PTE_D	 0x40ULL
#define PTE_PS	 0x80ULL
#define PTE_XD	 (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL
#define CR4_LA57 (1ULL << 12)

static const char *const vtx_level_name[] = { "", "PT", "PD", "PDPT", "PML4", "PML5" };

int vtx_walk_va(const struct vtx_vm *vm, uint64_t cr3, int la57, uint64_t va, struct vtx_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->va = va;
	w->cr3 = cr3;
	w->levels = la57 ? 5 : 4;
	uint64_t table = cr3 & PTE_ADDR;
	for (int level = w->levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		unsigned index = (unsigned)(va >> shift) & 511;
		const uint64_t *t = vtx_gpa_to_hva(vm, table, 4096);
		struct vtx_walk_step *s = &w->steps[w->nsteps++];
		*s = (struct vtx_walk_step){ level, table, index, 0 };
		if (!t) {
			w->why = "the table is not in guest RAM";
			return 0;
		}
		s->entry = t[index];
		if (!(s->entry & PTE_P)) {
			w->why = "entry not present: the guest would take a page fault";
			return 0;
		}
		/* A large page ends the walk early (PS only means that at
		 * the PDPT and PD levels). */
		if (level == 1 || ((level == 2 || level == 3) && (s->entry & PTE_PS))) {
			uint64_t size = 1ULL << shift;
			uint64_t frame = s->entry & PTE_ADDR & ~(size - 1);
			w->gpa = frame | (va & (size - 1));
			w->page = size;
			w->ok = 1;
			return 0;
		}
		table = s->entry & PTE_ADDR;
	}
	return 0;
}

static void vtx_walk_flags(uint64_t e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s", e & PTE_P ? "P" : "-", e & PTE_RW ? " RW" : " RO",
		 e & PTE_US ? " US" : " S", e & PTE_A ? " A" : "", e & PTE_D ? " D" : "",
		 e & PTE_PS ? " PS" : "", e & PTE_XD ? " XD" : "");
}

void vtx_walk_print(const struct vtx_vm *vm, const struct vtx_walk *w, FILE *f)
{
	fprintf(f, "walk of va 0x%016" PRIx64 " (%d-level paging), CR3 = 0x%" PRIx64 "\n", w->va,
		w->levels, w->cr3);
	for (int i = 0; i < w->nsteps; i++) {
		const struct vtx_walk_step *s = &w->steps[i];
		char fl[40];
		vtx_walk_flags(s->entry, fl, sizeof(fl));
		fprintf(f, "  %-4s table @ gpa 0x%09" PRIx64 " [%3u] = 0x%016" PRIx64 "  %s\n",
			vtx_level_name[s->level], s->table_gpa, s->index, s->entry, fl);
	}
	if (!w->ok) {
		fprintf(f, "  stop: %s\n", w->why);
		return;
	}
	const char *psz = w->page == (1ULL << 30)   ? "1 GiB"
			  : w->page == (1ULL << 21) ? "2 MiB"
						    : "4 KiB";
	fprintf(f, "  => gpa 0x%" PRIx64 " (a %s page)\n", w->gpa, psz);
	const struct vtx_slot *s = vtx_slot_of(vm, w->gpa);
	if (!s) {
		fprintf(f, "  gpa 0x%" PRIx64 " is in no memory slot: an MMIO exit if touched\n",
			w->gpa);
		return;
	}
	fprintf(f, "  slot %d: gpa [0x%" PRIx64 ", 0x%" PRIx64 ") -> hva %p\n",
		(int)(s - vm->slots), s->gpa, s->gpa + s->size, (void *)s->hva);
	fprintf(f, "  => hva %p (slot hva + (gpa - slot gpa))\n",
		(void *)(s->hva + (w->gpa - s->gpa)));
}

void vtx_walk_dot(const struct vtx_walk *w, FILE *f)
{
	/* For the projector, as the toy machine's drawings (viz/dot.c): a
	 * title, the owner of the table around it, a 16:9 slide's size. */
	fprintf(f,
		"digraph walk {\n  rankdir=LR;\n  size=\"13.33,7.5\";\n  labelloc=t;\n"
		"  labeljust=l;\n  fontsize=20;\n  fontname=\"sans-serif\";\n"
		"  label=\"How va 0x%" PRIx64 " translates: the x86-64 guest's %d-level walk "
		"from CR3 0x%" PRIx64 "\\nthe hardware walks the guest's table; KVM's EPT "
		"then maps each guest-physical address (not drawn)\";\n"
		"  node [shape=record, fontname=monospace, fontsize=14];\n",
		w->va, w->nsteps, w->cr3);
	fprintf(f, "  va [label=\"va|0x%" PRIx64 "\"];\n  cr3 [label=\"CR3|0x%" PRIx64 "\"];\n",
		w->va, w->cr3);
	fprintf(f, "  va -> cr3 [style=dotted];\n");
	fprintf(f, "  subgraph cluster_guest {\n    label=\"the guest OS's page table (in "
		   "guest-physical memory)\";\n    style=rounded;\n");
	for (int i = 0; i < w->nsteps; i++) {
		const struct vtx_walk_step *s = &w->steps[i];
		fprintf(f, "    l%d [label=\"%s @ 0x%" PRIx64 "|<e>[%u] = 0x%" PRIx64 "\"];\n",
			s->level, vtx_level_name[s->level], s->table_gpa, s->index, s->entry);
	}
	fprintf(f, "  }\n");
	char prev[24] = "cr3", name[8];
	for (int i = 0; i < w->nsteps; i++) {
		snprintf(name, sizeof(name), "l%d", w->steps[i].level);
		fprintf(f, "  %s -> %s;\n", prev, name);
		snprintf(prev, sizeof(prev), "%s:e", name);
	}
	if (w->ok)
		fprintf(f, "  gpa [label=\"gpa|0x%" PRIx64 "\", shape=box];\n  %s -> gpa;\n",
			w->gpa, prev);
	else
		fprintf(
		    f,
		    "  fault [label=\"not present\", shape=octagon, color=red];\n  %s -> fault;\n",
		    prev);
	fprintf(f, "}\n");
}

int vtx_walk(struct vtx_vm *vm, struct vtx_vcpu *c, uint64_t va, const char *const draw[3], FILE *f)
{
	struct kvm_sregs s;
	if (ioctl(c->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "x86 walk: KVM_GET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	if (!(s.cr0 & 0x80000000ULL)) {
		fprintf(
		    f, "walk: paging is off (CR0.PG = 0): va 0x%" PRIx64 " is a physical address\n",
		    va);
		return 0;
	}
	if (!(s.efer & 0x400)) {
		fprintf(f, "walk: the guest is not in long mode yet (EFER.LMA = 0); stop later\n");
		return 0;
	}
	struct vtx_walk w;
	vtx_walk_va(vm, s.cr3, (s.cr4 & CR4_LA57) != 0, va, &w);
	vtx_walk_print(vm, &w, f);
	/* The drawing: DOT text, then each file asked for (.dot, .svg,
	 * .png) through the same libgvc renderer as the toy machine's walks. */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		fprintf(stderr, "x86 walk: out of memory for the drawing\n");
		return -1;
	}
	vtx_walk_dot(&w, mem);
	static const char *const fmt[3] = { "dot", "svg", "png" };
	int r = fclose(mem) ? -1 : 0;
	for (int i = 0; i < 3 && !r; i++)
		if (draw[i]) {
			if (viz_render_dot(text, draw[i], fmt[i]))
				r = -2; /* an output that could not be written */
			else
				fprintf(f, "  drawing: %s\n", draw[i]);
		}
	free(text);
	return r;
}
