/* fence: orders memory accesses; on one hart it changes nothing a program
 * can see, in every form (unprivileged spec, "Memory Ordering
 * Instructions"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_CASE(1, a0, 5, li a0, 5; fence; fence rw, rw; fence iorw, iorw)
	TEST_CASE(2, a0, 6, la a1, 1f; li a0, 6; sw a0, 0(a1); fence w, r; lw a0, 0(a1))
	TEST_CASE(3, a0, 7, fence r, w; fence i, o; fence.tso; li a0, 7)
CONF_END
	.data
	.align 2
1:	.word 0
