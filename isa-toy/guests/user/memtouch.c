/*
 * memtouch -- grow the heap by N MiB and touch every page: each first
 * touch is a page fault that the kernel answers with a fresh zero page
 * (demand-zero paging).  Then read everything back and give it back.
 *   memtouch[:MIB]    (default 4)
 */
#include "user/lib/ulib.h"

#define PAGE 4096

int main(int argc, char **argv)
{
	int mib = arg_int(argc, argv, 1, 4);
	unsigned int pages = (unsigned int)mib * 256, sum = 0, bad = 0;

	char *heap = sbrk(mib << 20);
	if (heap == (char *)-1) {
		printf("memtouch: sbrk(%d MiB) failed\n", mib);
		return 1;
	}
	/* Touch: each page must arrive zeroed; then mark it. */
	for (unsigned int i = 0; i < pages; i++) {
		unsigned int *first = (unsigned int *)(heap + i * PAGE);
		unsigned int *last = (unsigned int *)(heap + i * PAGE + PAGE - 4);
		if (*first != 0 || *last != 0)
			bad++;
		*first = i;
		*last = ~i;
	}
	/* Check: every page still holds its own marks. */
	for (unsigned int i = 0; i < pages; i++) {
		unsigned int *first = (unsigned int *)(heap + i * PAGE);
		unsigned int *last = (unsigned int *)(heap + i * PAGE + PAGE - 4);
		if (*first != i || *last != ~i)
			bad++;
		sum += *first;
	}
	printf("memtouch: touched %u pages (%d MiB), checksum %u, %u bad\n", pages, mib, sum, bad);
	if (sbrk(-(mib << 20)) != heap + (mib << 20)) {
		printf("memtouch: shrinking the heap failed\n");
		return 1;
	}
	printf("memtouch: heap given back\n");
	return bad ? 1 : 0;
}
