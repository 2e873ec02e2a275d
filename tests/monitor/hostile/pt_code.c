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
 *
 * With split=1 the first load and store through root[1] are misaligned
 * words straddling two 4 KiB pages.  No shadow maps either page yet, so
 * under shadow paging the hart faults and the monitor performs the whole
 * access itself, byte by byte, through its own walk of this table
 * (vm_guest_rw): that walk is the one that sets A, then D, and the word
 * must trap all the same.
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
/* split=1: the word is the last two bytes of one page, first two of the next. */
static volatile uint8_t pages[8192] __attribute__((aligned(4096)));

/* A word at `p`, aligned or not, a byte at a time. */
static void put_word(volatile uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_word(const volatile uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void hg_main(void)
{
	volatile uint8_t *word =
	    hg_arg("split", 0) ? &pages[4096 - 2] : (volatile uint8_t *)&scratch;
	uint32_t off = (uint32_t)(uintptr_t)word - RAM;
	csr_write(satp, SATP_SV32 | ((uint32_t)(uintptr_t)ptpage >> 12));
	hg_sfence();
	puts_("pt_code\n");

	hg_probe_jump("probe runs", (uint32_t)(uintptr_t)pt_probe);
	put_word(word, 0x1234);
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
	puts_(get_word(word) == 0x5678 ? "scratch 0x5678\n" : "scratch BAD\n");
	csr_write(satp, 0);
	puts_("done\n");
}
