/* util.c -- see util.h. */
#include "tests/viz/util.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

uint32_t viz_t_sym(const char *elf, const char *sym)
{
	return viz_t_sym_type(elf, sym, 0);
}

uint32_t viz_t_sym_type(const char *elf, const char *sym, char want)
{
	char cmd[512], line[256];
	uint32_t addr = 0;
	snprintf(cmd, sizeof(cmd), "riscv64-unknown-elf-nm %s", elf);
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		unsigned a;
		char type, name[200];
		if (sscanf(line, "%x %c %199s", &a, &type, name) == 3 && !strcmp(name, sym) &&
		    (!want || type == want))
			addr = a;
	}
	pclose(p);
	return addr;
}

void viz_t_batch(const char *options, const char *script, struct runner_result *r)
{
	char path[] = "/tmp/tv-viz-script-XXXXXX", cmd[1024];
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script)) {
		r->out = strdup("");
		r->err = strdup("mkstemp");
		r->status = -1;
		return;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), TV " debug %s --batch %s", options, path);
	runner_run(cmd, "", r);
	unlink(path);
}

uint64_t viz_t_hex_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ')
		p++;
	return strtoull(p, NULL, 16);
}

int viz_t_port(void)
{
	for (int tries = 0; tries < 50; tries++) {
		int port = 20000 + (int)((getpid() * 7 + tries * 131) % 30000);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons((uint16_t)port) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return port;
	}
	return 0;
}

void viz_t_expect_exit(const char *cmd, const char *input, int status, const char *err_has)
{
	struct runner_result r;
	runner_run(cmd, input, &r);
	cr_expect_eq(r.status, status, "%s: exit %d\n%s", cmd, r.status, r.err);
	cr_expect(strstr(r.err, err_has), "%s: no \"%s\" in: %s", cmd, err_has, r.err);
	cr_expect_null(strstr(r.out, "wrote"), "%s: %s", cmd, r.out);
	runner_free(&r);
}
