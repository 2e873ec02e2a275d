/*
 * diff_proc.h -- run a program with a time limit, its output in files.
 *
 * The differential test and the benchmark runner both start emulators
 * (qemu-riscv32, trapvisor) that must never hang a test run: each child
 * gets a deadline, and is killed with its whole process group if it
 * misses it.
 */
#ifndef TESTS_DIFF_DIFF_PROC_H
#define TESTS_DIFF_DIFF_PROC_H

#define DIFF_PROC_TIMEOUT (-2) /* the child missed its deadline, was killed */
#define DIFF_PROC_NOSTART (-1) /* fork/exec/open failed (message printed) */

/*
 * diff_proc_run -- run argv[0] (searched in PATH) with argv, stdin from
 * /dev/null, stdout to out_path and stderr to err_path (NULL: /dev/null).
 * Waits at most timeout_s seconds.  Returns the exit status (0..255),
 * 128 + signal if the child died of a signal, DIFF_PROC_TIMEOUT or
 * DIFF_PROC_NOSTART.  If seconds is not NULL it receives the wall-clock
 * time from fork to exit (CLOCK_MONOTONIC).
 */
int diff_proc_run(char *const argv[], const char *out_path, const char *err_path, int timeout_s,
		  double *seconds);

/* diff_proc_read -- the whole file at path, NUL-terminated, malloc'd; NULL if unreadable. */
char *diff_proc_read(const char *path);

#endif
