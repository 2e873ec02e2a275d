/*
 * ulib.h -- the user library: system call stubs (usys.S, generated from
 * kernel/syscalls.def) and a few helpers.  No libc.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include "kernel/types.h"

/* System calls (see kernel/syscalls.def for what each does). */
void exit(int status) __attribute__((noreturn));
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int getpid(void);
int yield(void);
int sleep(int ms);
void *sbrk(int delta);
int spawn(const char *name, char *const argv[]);
int wait(int *status);
int send(int pid, int word);
int recv(void);
int uptime(void);
int critical(int rounds, unsigned result[2]);
int probe(void);
int micro(int kind, int n);
int diskinfo(void);
int diskread(unsigned sector, void *buf, int n);
int diskwrite(unsigned sector, const void *buf, int n);
unsigned netinfo(void);
int ping(unsigned ip, unsigned seq);
int echoes(void);
int udpsend(unsigned ip, unsigned dport, unsigned sport, const void *buf, int n);
int udprecv(unsigned port, void *buf, int n, unsigned ticks);
int dmacopy(void *dst, const void *src, int n);
int meminfo(unsigned out[4]);

/* printf: format (%d %u %x %p %s %c, widths) and print with ONE write
 * call when the result fits in 256 bytes, so a line is never split. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int atoi(const char *s);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
/* arg_int: argv[i] as a number if present, else `def`. */
int arg_int(int argc, char **argv, int i, int def);

#endif
