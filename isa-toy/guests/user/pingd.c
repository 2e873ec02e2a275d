/*
 * pingd -- stay up until this kernel has answered COUNT echo requests
 * (the kernel answers them itself, in its interrupt handler).
 *   pingd[:COUNT]     COUNT 3
 */
#include "user/lib/ulib.h"

int main(int argc, char **argv)
{
	int count = arg_int(argc, argv, 1, 3);
	unsigned me = netinfo();

	if (!me) {
		printf("pingd: no network card\n");
		return 1;
	}
	printf("pingd: 10.0.0.%u waits for %d echo requests\n", me & 0xff, count);
	for (int t = 0; echoes() < count; t++) {
		if (t == 1000) { /* 10 s */
			printf("pingd: only %d echo requests came\n", echoes());
			return 1;
		}
		sleep(10);
	}
	printf("pingd: answered %d echo requests\n", count);
	return 0;
}
