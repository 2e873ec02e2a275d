/*
 * hello -- the smallest program: one line, then its arguments.
 *   hello[:ARG...]
 */
#include "user/lib/ulib.h"

int main(int argc, char **argv)
{
	printf("hello, world! I am pid %d\n", getpid());
	for (int i = 1; i < argc; i++)
		printf("hello: argv[%d] = \"%s\"\n", i, argv[i]);
	return 0;
}
