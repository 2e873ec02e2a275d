/*
 * srcline.c -- source lines through libdw (srcline.h).
 *
 * A DWARF line table is, per compilation unit, a list of rows
 * (address, file, line) sorted by address; the line of an address is that
 * of the last row at or below it.  libdw finds the unit that covers the
 * address (dwarf_addrdie, through .debug_aranges) and the row in it
 * (dwarf_getsrc_die).
 */
#include "viz/srcline.h"

#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct viz_src {
	int fd;
	Dwarf *dw;
};

struct viz_src *viz_src_open(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	struct viz_src *s = dw ? malloc(sizeof(*s)) : NULL;
	if (!s) {
		if (dw)
			dwarf_end(dw);
		close(fd);
		return NULL;
	}
	s->fd = fd;
	s->dw = dw;
	return s;
}

void viz_src_close(struct viz_src *s)
{
	if (!s)
		return;
	dwarf_end(s->dw);
	close(s->fd);
	free(s);
}

/* The unit covering addr: through the aranges, else by asking each unit
 * (a unit without aranges still knows its own ranges). */
static bool viz_src_cu(struct viz_src *s, uint32_t addr, Dwarf_Die *cu)
{
	if (dwarf_addrdie(s->dw, addr, cu))
		return true;
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(s->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(s->dw, off + hsize, cu) && dwarf_haspc(cu, addr) == 1)
			return true;
		off = next;
	}
	return false;
}

bool viz_src_line(struct viz_src *s, uint32_t addr, const char **file, int *line)
{
	Dwarf_Die cu;
	if (!s || !viz_src_cu(s, addr, &cu))
		return false;
	Dwarf_Line *l = dwarf_getsrc_die(&cu, addr);
	if (!l || dwarf_lineno(l, line) || *line <= 0)
		return false;
	*file = dwarf_linesrc(l, NULL, NULL);
	return *file != NULL;
}

bool viz_src_text(const char *file, int line, char *buf, size_t len)
{
	/* One file open at a time, kept: the code pane asks for the lines
	 * around the pc at every stop. */
	static char path[512];
	static char *text;
	static size_t size;
	if (strcmp(path, file)) {
		FILE *f = fopen(file, "r");
		free(text);
		text = NULL;
		size = 0;
		path[0] = 0;
		if (!f)
			return false;
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			char *t = realloc(text, size + n + 1);
			if (!t)
				break;
			text = t;
			memcpy(text + size, chunk, n);
			size += n;
		}
		fclose(f);
		if (!text)
			return false;
		text[size] = 0;
		snprintf(path, sizeof(path), "%s", file);
	}
	const char *p = text;
	for (int i = 1; i < line && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return false;
	size_t n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	return true;
}
