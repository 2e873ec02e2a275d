/*
 * cmp.c -- see cmp.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tests/compare/cmp.h"

#define CMP_HEADER "kind,row,insns,traps,exits,walk_refs,cost,ns"

const char *cmp_column_name(enum cmp_col col)
{
	static const char *const names[CMP_COLS] = { "insns",	  "traps", "exits",
						     "walk_refs", "cost",  "ns" };
	return names[col];
}

/* cmp_parse_line: "kind,row,v,v,v,v,v,v" into *l; 0 or -1. */
static int cmp_parse_line(char *s, struct cmp_line *l)
{
	char *field[2 + CMP_COLS];
	int n = 0;

	for (char *p = s; n < 2 + CMP_COLS; n++) {
		field[n] = p;
		p = strchr(p, ',');
		if (!p) {
			n++;
			break;
		}
		*p++ = 0;
	}
	if (n != 2 + CMP_COLS || strchr(field[n - 1], ','))
		return -1;
	if (strlen(field[0]) >= sizeof(l->kind) || strlen(field[1]) >= sizeof(l->row))
		return -1;
	strcpy(l->kind, field[0]);
	strcpy(l->row, field[1]);
	for (int c = 0; c < CMP_COLS; c++) {
		char *end;
		l->v[c] = strtod(field[2 + c], &end);
		if (end == field[2 + c] || *end)
			return -1;
	}
	return 0;
}

void cmp_bench(struct cmp_table *t, struct krun_result *r, const char *const args[])
{
	const char *argv[64] = { CMP_TRAPVISOR, "bench", "modes", "--csv", "--runs", "1" };
	int argc = 6;
	for (int i = 0; args[i]; i++) {
		cr_assert_lt(argc, 63, "too many arguments");
		argv[argc++] = args[i];
	}
	argv[argc] = NULL;

	cr_assert_eq(krun((char *const *)argv, NULL, 0, CMP_TIMEOUT, r), 0, "cannot start %s",
		     CMP_TRAPVISOR);
	cr_assert(!r->timed_out, "bench modes timed out; stderr:\n%s", r->err);
	cr_assert_eq(r->status, 0, "bench modes exited %d; stderr:\n%s", r->status, r->err);

	memset(t, 0, sizeof(*t));
	char *copy = strdup(r->out), *save = NULL;
	char *line = strtok_r(copy, "\n", &save);
	cr_assert(line && !strcmp(line, CMP_HEADER), "CSV header missing; stdout:\n%s", r->out);
	while ((line = strtok_r(NULL, "\n", &save))) {
		cr_assert_lt(t->n, CMP_MAX_LINES, "too many CSV lines");
		char text[256];
		snprintf(text, sizeof(text), "%s", line);
		cr_assert_eq(cmp_parse_line(line, &t->line[t->n]), 0, "malformed CSV line '%s'",
			     text);
		t->n++;
	}
	free(copy);
}

const struct cmp_line *cmp_get(const struct cmp_table *t, const char *kind, const char *row)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->line[i].kind, kind) && !strcmp(t->line[i].row, row))
			return &t->line[i];
	return NULL;
}

double cmp_val(const struct cmp_table *t, const char *kind, const char *row, enum cmp_col col)
{
	const struct cmp_line *l = cmp_get(t, kind, row);
	cr_assert_not_null(l, "no line for kind %s, row %s in the CSV", kind, row);
	return l->v[col];
}

bool cmp_have_vt(void)
{
	char *argv[] = { CMP_TRAPVISOR, "run", "--help", NULL };
	struct krun_result r;
	bool found = false;

	cr_assert_eq(krun(argv, NULL, 0, 30, &r), 0);
	cr_assert_eq(r.status, 0, "trapvisor run --help exited %d", r.status);
	/* The mode list: lines "<spaces>NAME   help". */
	for (char *p = r.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char *q = p;
		while (*q == ' ')
			q++;
		if (q - p > 8 && !strncmp(q, "vt ", 3))
			found = true;
	}
	krun_free(&r);
	return found;
}
