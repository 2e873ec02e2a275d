/*
 * init -- the first process (pid 1).  The kernel gives it the items of
 * the bootargs' run= list as arguments, e.g. "hello" "memtouch:8"; it
 * runs each, one after another, splitting NAME:ARG:ARG into an argv.
 * It exits with the first non-zero status a program returned (0 if all
 * succeeded), and when init exits the machine powers off with that
 * status.  Running programs one at a time keeps the transcript the same
 * however fast the machine is.
 */
#include "user/lib/ulib.h"

#define INIT_ARGS 8

int main(int argc, char **argv)
{
	int result = 0;

	for (int i = 1; i < argc; i++) {
		char *args[INIT_ARGS + 1];
		int n = 0, status = 0;

		args[n++] = argv[i];
		for (char *s = argv[i]; *s; s++)
			if (*s == ':' && n < INIT_ARGS) {
				*s = 0;
				args[n++] = s + 1;
			}
		args[n] = 0;
		int pid = spawn(args[0], args);
		if (pid < 0) {
			printf("init: no program called '%s'\n", args[0]);
			status = 127;
		} else {
			/* Orphans are given to init too: skip them. */
			int w;
			do
				w = wait(&status);
			while (w != pid && w >= 0);
		}
		if (status != 0)
			printf("init: %s exited with status %d\n", args[0], status);
		if (status != 0 && result == 0)
			result = status;
	}
	return result;
}
