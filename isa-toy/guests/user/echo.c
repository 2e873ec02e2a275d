/*
 * echo -- read lines from the console (interrupt-driven input) and print
 * each back.
 *   echo[:LINES]     (default 1)
 */
#include "user/lib/ulib.h"

int main(int argc, char **argv)
{
	int lines = arg_int(argc, argv, 1, 1);

	printf("echo: reading %d line(s)\n", lines);
	for (int i = 1; i <= lines; i++) {
		char line[128];
		int len = 0;
		/* read() returns at most one line; gather until the newline. */
		while (len < (int)sizeof(line) - 1) {
			int n = read(0, line + len, (int)sizeof(line) - 1 - len);
			if (n <= 0)
				return 1;
			len += n;
			if (line[len - 1] == '\n')
				break;
		}
		line[len] = 0;
		printf("echo: %d: %s", i, line);
		if (line[len - 1] != '\n')
			printf("\n");
	}
	return 0;
}
