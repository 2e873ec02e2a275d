/* runner.h -- run a command with given stdin, capture stdout, stderr and
 * the exit status (under a timeout, so a hang fails instead of blocking). */
#ifndef TESTS_GUEST_RUNNER_H
#define TESTS_GUEST_RUNNER_H

struct runner_result {
	char *out, *err; /* NUL-terminated */
	int status;	 /* exit status; 128+sig if killed; -1 if not run */
};

/* Run `cmd` through sh with `input` on stdin, at most 60 s. */
void runner_run(const char *cmd, const char *input, struct runner_result *r);
void runner_free(struct runner_result *r);

/* Create an empty file named after `tmpl` (mkstemp's XXXXXX template, which
 * gets the name), for a run to write.  0, or -1 if it could not. */
int runner_tmpfile(char *tmpl);

#endif
