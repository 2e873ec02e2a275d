/*
 * pingpong -- two processes taking turns through the kernel: the parent
 * prints "ping i" and sends i to the child's mailbox; the child, blocked
 * in recv(), wakes up, prints "pong i" and sends i back.  Each prints only
 * when it holds the turn, so the lines alternate however the scheduler
 * slices time.
 *   pingpong[:ROUNDS]   (default 5)
 */
#include "user/lib/ulib.h"

static char *pingpong_itoa(int n, char *buf)
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

static int pingpong_child(int parent, int rounds)
{
	for (int i = 1; i <= rounds; i++) {
		int v = recv();
		printf("pong %d\n", v);
		send(parent, v);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "pong"))
		return pingpong_child(atoi(argv[2]), atoi(argv[3]));

	int rounds = arg_int(argc, argv, 1, 5), status, bad = 0;
	char me[12], n[12];
	char *args[] = { "pingpong", "pong", pingpong_itoa(getpid(), me), pingpong_itoa(rounds, n),
			 0 };
	int child = spawn("pingpong", args);
	if (child < 0) {
		printf("pingpong: spawn failed\n");
		return 1;
	}
	for (int i = 1; i <= rounds; i++) {
		printf("ping %d\n", i);
		send(child, i);
		bad += recv() != i;
	}
	wait(&status);
	printf("pingpong: %d rounds, %d out of turn, child status %d\n", rounds, bad, status);
	return bad || status;
}
