/*
 * balloon -- watch the memory balloon (`run --balloon SIZE[,at=N]`).
 *   balloon[:R]   wait until the kernel's balloon driver has read R of
 *                 the monitor's targets (default 1; the one found at
 *                 start-up counts) and holds the last, then say how much
 *                 memory is in the balloon
 * It waits by asking the kernel again and again, not by sleeping: a later
 * request comes "at=N" *instructions*, and an idle guest retires none.
 * Once the driver has seen the request it has done all it can (it works
 * inside the config interrupt), so there is nothing more to wait for.
 * Exit status 0 when the balloon ends at its target, 1 if it does not
 * (the kernel always keeps 1 MiB free), 2 without a balloon.
 */
#include "user/lib/ulib.h"

#define BALLOON_SPINS 2000000 /* looks before giving up */

int main(int argc, char **argv)
{
	unsigned want = (unsigned)arg_int(argc, argv, 1, 1);
	unsigned info[4]; /* free pages, pages in the balloon, target, requests */
	if (meminfo(info) < 0) {
		printf("balloon: no balloon device (run with --balloon SIZE)\n");
		return 2;
	}
	for (int n = 0; n < BALLOON_SPINS && info[3] < want; n++)
		meminfo(info);
	printf("balloon: the monitor asked for %u pages, the balloon holds %u (%u KiB); "
	       "%u pages free\n",
	       info[2], info[1], info[1] * 4, info[0]);
	return info[1] == info[2] ? 0 : 1;
}
