/*
 * pt_code: the root page table is the page the code runs from.  Every
 * instruction word in it is also a level-1 PTE (bits 1:0 of an
 * instruction are 11: V and R), so the words double as megapages -- most
 * of them misaligned, a page fault if used.  Under the monitor that page
 * is write-protected and executed at once.
 *
 * The word at index 1 is both `fence` and the aligned megapage
 * 0x2000000f (RAM, RWX, A and D clear).  A load through VA 0x00400000
 * makes the walk set A: the word becomes 0x2000004f, an illegal
 * instruction; a store sets D too: 0x200000cf.  TRV32 promises that
 * instruction fetch sees every write to memory, the walk's included, so
 * executing the word again must trap.
 */
#include "tests/monitor/hostile/hg.h"

extern uint32_t ptpage[1024];
void pt_probe(void);
uint32_t pt_slot(void);

__asm__(".section .text.ptpage, \"ax\"\n"
	".balign 4096\n"
	".globl ptpage, pt_probe, pt_slot\n"
	"ptpage:\n"
	"	.word 0x000000c7\n" /* root[0]: megapage at 0, RW, A, D (finisher) */
	"pt_probe:\n"
	"	.word 0x2000000f\n" /* root[1]: fence, and a megapage at RAM */
	"	ret\n"
	"pt_slot:\n"
	"	addi a0, zero, 1\n" /* root[3]: rewritten at run time */
	"	ret\n"
	"	.org ptpage + 0x800\n"
	"	.word 0x200000cf\n" /* root[0x200]: RAM, RWX, A, D */
	"	.org ptpage + 0x1000\n"
	".text\n");

static volatile uint32_t scratch;

void hg_main(void)
{
	uint32_t off = (uint32_t)(uintptr_t)&scratch - RAM;
	csr_write(satp, SATP_SV32 | ((uint32_t)(uintptr_t)ptpage >> 12));
	hg_sfence();
	puts_("pt_code\n");

	hg_probe_jump("probe runs", (uint32_t)(uintptr_t)pt_probe);
	scratch = 0x1234;
	hg_probe_load("load via root[1]", 0x00400000u + off);
	puts_("root[1] now ");
	puthex(ptpage[1]);
	putc_('\n');
	hg_probe_jump("probe after A", (uint32_t)(uintptr_t)pt_probe);
	hg_probe_store("store via root[1]", 0x00400000u + off, 0x5678);
	puts_("root[1] now ");
	puthex(ptpage[1]);
	putc_('\n');
	hg_probe_jump("probe after D", (uint32_t)(uintptr_t)pt_probe);
	/* The other words are misaligned megapages: root[2] is `ret`. */
	hg_probe_load("load via root[2]", 0x00800000u);
	/* Code rewritten in the page-table page, without fence.i. */
	puts_("slot ");
	putdec(pt_slot());
	ptpage[3] = 0x00200513; /* addi a0, zero, 2 */
	puts_(" then ");
	putdec(pt_slot());
	putc_('\n');
	puts_(scratch == 0x5678 ? "scratch 0x5678\n" : "scratch BAD\n");
	csr_write(satp, 0);
	puts_("done\n");
}
