/*
 * main.c -- `trapvisor SUBCOMMAND ...`: find the subcommand in the table
 * (core/commands.def) and hand it the rest of the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "isa-toy/jit.h"

#define CMD(name, fn, help) int fn(int argc, char **argv);
#include "core/commands.def"
#undef CMD

struct main_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct main_command main_commands[] = {
#define CMD(name, fn, help) { #name, fn, help },
#include "core/commands.def"
#undef CMD
	{ NULL, NULL, NULL },
};

static void main_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor COMMAND [OPTIONS] ...\n\n"
		   "trapvisor is a teaching virtual machine monitor: the TRV32 toy machine\n"
		   "(a strictly virtualizable RISC-V subset) with its monitor, and a real x86\n"
		   "backend on the Linux KVM API.\n\ncommands:\n");
	for (const struct main_command *c = main_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	fprintf(f, "\n`trapvisor COMMAND --help` describes each command.\n");
}

/* Take --engine=NAME (or --engine NAME) out of argv, wherever it is
 * before a "--", and apply it.  Returns the new argc, or -1 if bad. */
static int main_engine_option(int argc, char **argv)
{
	int out = 1;
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *name = NULL;
		if (options && !strcmp(argv[i], "--"))
			options = false;
		else if (options && !strncmp(argv[i], "--engine=", 9))
			name = argv[i] + 9;
		else if (options && !strcmp(argv[i], "--engine")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "trapvisor: --engine needs jit or interp\n");
				return -1;
			}
			name = argv[++i];
		}
		if (name) {
			if (cpu_engine_set_default(name))
				return -1;
			/* trapvisor processes this one starts (bench) inherit it */
			setenv("TRAPVISOR_ENGINE", name, 1);
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	argc = main_engine_option(argc, argv);
	if (argc < 0)
		return 2;
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		main_usage(stdout);
		return 0;
	}
	for (const struct main_command *c = main_commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "trapvisor: unknown command '%s' (try trapvisor --help)\n", argv[1]);
	return 2;
}
