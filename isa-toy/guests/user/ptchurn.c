/*
 * ptchurn -- grow and shrink the heap again and again: the kernel maps
 * pages on first touch and unmaps them (with sfence.vma) on shrinking, so
 * page-table entries churn.  A fresh page must always read zero; touching
 * the pages in alternating order makes a stale TLB entry visible (it
 * would show another page's mark).
 *   ptchurn[:ROUNDS[:PAGES]]   (default 50 rounds of 64 pages)
 */
#include "user/lib/ulib.h"

#define PAGE 4096

int main(int argc, char **argv)
{
	int rounds = arg_int(argc, argv, 1, 50), pages = arg_int(argc, argv, 2, 64);
	unsigned int fresh = 0, dirty = 0;

	for (int r = 0; r < rounds; r++) {
		char *heap = sbrk(pages * PAGE);
		if (heap == (char *)-1) {
			printf("ptchurn: sbrk failed in round %d\n", r);
			return 1;
		}
		for (int k = 0; k < pages; k++) {
			int i = (r % 2) ? pages - 1 - k : k;
			int *word = (int *)(heap + i * PAGE + (r % 16) * 4);
			if (*word != 0)
				dirty++;
			*word = r * 1000 + i + 1;
			fresh++;
		}
		sbrk(-pages * PAGE);
	}
	printf("ptchurn: %d rounds of %d pages: %u fresh pages, %u not zero\n", rounds, pages,
	       fresh, dirty);
	return dirty ? 1 : 0;
}
