/*
 * progs.c -- looking up an embedded program by name (see progs.S).
 */
#include "kernel/kernel.h"
#include "kernel/progs.h"

extern const struct prog progs_table[];

const struct prog *progs_find(const char *name)
{
	for (const struct prog *p = progs_table; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}
