/*
 * main.c -- `trapvisor SUBCOMMAND ...`: find the subcommand in the table
 * (core/commands.def) and hand it the rest of the command line.
 */
#include <stdio.h>
#include <string.h>

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

int main(int argc, char **argv)
{
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
