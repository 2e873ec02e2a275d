/*
 * help_test.c -- `help COMMAND` for every command: a paragraph and an
 * example, and each example runs without an error on the teaching kernel.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/viz/util.h"

Test(help, every_command_has_a_paragraph_and_an_example_that_runs, .timeout = 120)
{
	struct runner_result list;
	viz_t_batch(KERNEL, "help\n", &list);
	cr_assert_eq(list.status, 0, "%s", list.err);
	int commands = 0;
	/* Each line "  NAME ...: what it does" of the list, which ends where
	 * the note on addresses begins. */
	char *end = strstr(list.out, "  SYM is a function");
	cr_assert(end, "%s", list.out);
	*end = 0;
	for (char *p = strstr(list.out, "(tv) help\n"); p && (p = strstr(p, "\n  ")); p++) {
		char name[32];
		if (sscanf(p + 3, "%31[a-z/-]", name) != 1 || p[3] == ' ')
			continue;
		char *slash = strchr(name, '/'); /* x/N[xi] */
		if (slash)
			*slash = 0;
		char script[64];
		struct runner_result h;
		snprintf(script, sizeof(script), "help %s\n", name);
		viz_t_batch(KERNEL, script, &h);
		cr_expect_eq(h.status, 0, "help %s: %s", name, h.err);
		const char *ex = strstr(h.out, "\nexample: ");
		cr_expect(ex, "help %s has no example:\n%s", name, h.out);
		/* The paragraph: the lines between the summary and the example. */
		const char *para = strstr(h.out, "\n\n");
		cr_expect(para && ex && ex - para > 60, "help %s has no paragraph:\n%s", name,
			  h.out);
		if (ex) {
			char run[256];
			snprintf(run, sizeof(run), "%.*s\n", (int)strcspn(ex + 10, "\n"), ex + 10);
			struct runner_result r;
			viz_t_batch("--append run=hello " KERNEL, run, &r);
			cr_expect_eq(r.status, 0, "the example of %s (%s) failed:\n%s%s", name, run,
				     r.out, r.err);
			runner_free(&r);
		}
		runner_free(&h);
		commands++;
	}
	cr_expect_geq(commands, 30, "the list: %s", list.out);
	runner_free(&list);
}
