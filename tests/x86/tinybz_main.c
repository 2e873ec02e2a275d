/*
 * tinybz_main.c -- `tinybz OUTS FILE`: write the tiny bzImage of tinybz.h
 * (OUTS port-0x80 OUTs, then a triple fault) to FILE, for the nested venue
 * (tests/x86/run.sh puts it in L1's initramfs).  Exit 2 on bad arguments,
 * 1 if the file cannot be written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/x86/tinybz.h"

int main(int argc, char **argv)
{
	char *end;
	errno = 0;
	unsigned long outs = argc == 3 ? strtoul(argv[1], &end, 10) : 0;
	if (argc != 3 || errno || *end || end == argv[1] || outs == 0 || outs > 1000000) {
		fprintf(stderr, "usage: tinybz OUTS FILE   (OUTS from 1 to 1000000)\n");
		return 2;
	}
	if (tinybz_write(argv[2], (uint32_t)outs) < 0) {
		fprintf(stderr, "tinybz: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
