/*
 * spawnloop -- create and reap many short processes, up to four alive at
 * a time.  Child k just exits with status k; the parent adds up what
 * wait() returns, which does not depend on the order they finish in.
 *   spawnloop[:N]    (default 40 children)
 */
#include "user/lib/ulib.h"

#define SPAWNLOOP_BATCH 4

/* spawnloop_itoa: n in decimal, into buf (at least 12 bytes). */
static char *spawnloop_itoa(int n, char *buf)
{
	char tmp[12];
	int len = 0, j = 0;
	do
		tmp[len++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (len)
		buf[j++] = tmp[--len];
	buf[j] = 0;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "child"))
		return atoi(argv[2]); /* a child: done already */

	int n = arg_int(argc, argv, 1, 40), spawned = 0, reaped = 0, alive = 0, sum = 0;
	while (reaped < n) {
		while (alive < SPAWNLOOP_BATCH && spawned < n) {
			char num[12];
			char *args[] = { "spawnloop", "child", spawnloop_itoa(spawned, num), 0 };
			if (spawn("spawnloop", args) < 0) {
				printf("spawnloop: spawn %d failed\n", spawned);
				return 1;
			}
			spawned++, alive++;
		}
		int status;
		if (wait(&status) < 0) {
			printf("spawnloop: wait failed\n");
			return 1;
		}
		sum += status;
		reaped++, alive--;
	}
	printf("spawnloop: %d children, at most %d at a time, statuses add up to %d\n", n,
	       SPAWNLOOP_BATCH, sum);
	return 0;
}
