/*
 * console.c -- the interactive console: host stdin to COM1's receive
 * FIFO, on its own thread.
 *
 * On a terminal we put it in raw mode for as long as the guest runs: no
 * line editing, no echo (the guest's shell does both), and no signals from
 * the keyboard, so Ctrl-C reaches the guest.  The monitor's own keys come
 * after an escape, as in QEMU and screen:
 *
 *   Ctrl-A x   quit (the VM stops, trapvisor exits with status 0)
 *   Ctrl-A s   print the exit statistics (--stats) now, on stderr
 *   Ctrl-A a   send a Ctrl-A to the guest
 *   Ctrl-A h   list these
 *
 * The terminal is restored on every way out: the normal end, exit()
 * (atexit), SIGTERM/SIGHUP/SIGINT from outside (the handler only sets a
 * flag; this thread, which looks at it every 100 ms, stops the VM
 * cleanly), and a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
 * SIGQUIT: the handler restores the terminal -- tcsetattr is
 * async-signal-safe -- and dies of the same signal).
 */
#include "x86-vtx/vtx.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define VTX_CONSOLE_ESC 0x01 /* Ctrl-A */

static struct termios vtx_console_saved;
static int vtx_console_raw;
static pthread_t vtx_console_thread;
static int vtx_console_running;
static volatile sig_atomic_t vtx_console_signal;
static volatile sig_atomic_t vtx_console_snapshot; /* the --snapshot-on signal came */
static int vtx_console_snapshot_sig;

static void vtx_console_on_snapshot(int sig)
{
	(void)sig;
	vtx_console_snapshot = 1;
}

void vtx_console_snapshot_on(int sig)
{
	vtx_console_snapshot_sig = sig;
}

static void vtx_console_on_signal(int sig)
{
	vtx_console_signal = sig;
}

static void vtx_console_restore(void)
{
	if (vtx_console_raw)
		tcsetattr(0, TCSANOW, &vtx_console_saved);
	vtx_console_raw = 0;
}

/* A crash: give the terminal back, then die of the same signal (the
 * handler was installed with SA_RESETHAND, so raising it again does). */
static void vtx_console_on_crash(int sig)
{
	if (vtx_console_raw)
		tcsetattr(0, TCSANOW, &vtx_console_saved);
	raise(sig);
}

/* Push one byte into COM1's receive FIFO, waiting while it is full. */
static void vtx_console_feed(struct vtx_vm *vm, uint8_t byte)
{
	while (atomic_load(&vm->stop) == VTX_RUNNING) {
		pthread_mutex_lock(&vm->bus_lock);
		int rc = uart_rx_push(&vm->com1, byte);
		pthread_mutex_unlock(&vm->bus_lock);
		if (rc == 0)
			return;
		struct timespec ts = { 0, 1000000 }; /* FIFO full: let the guest drain it */
		nanosleep(&ts, NULL);
	}
}

/* The key after Ctrl-A. */
static void vtx_console_command(struct vtx_vm *vm, uint8_t key)
{
	switch (key) {
	case 'x':
	case 'X': vtx_vm_stop(vm, VTX_STOP_QUIT, "quit (Ctrl-A x)"); break;
	case 's':
	case 'S':
		fprintf(stderr, "\r\n");
		vtx_stats_print(vm, stderr);
		fflush(stderr);
		break;
	case VTX_CONSOLE_ESC:
	case 'a': vtx_console_feed(vm, VTX_CONSOLE_ESC); break;
	default:
		fprintf(stderr, "\r\nx86 console: Ctrl-A x quit, Ctrl-A s statistics, "
				"Ctrl-A a a Ctrl-A for the guest\r\n");
		break;
	}
}

static void *vtx_console_loop(void *arg)
{
	struct vtx_vm *vm = arg;
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int eof = 0;
	int escaped = 0; /* the previous byte was Ctrl-A */
	while (atomic_load(&vm->stop) == VTX_RUNNING) {
		if (vtx_console_signal) {
			vtx_vm_stop(vm, VTX_STOP_ERROR,
				    vtx_console_signal == SIGINT   ? "interrupted (SIGINT)"
				    : vtx_console_signal == SIGHUP ? "hung up (SIGHUP)"
								   : "terminated (SIGTERM)");
			break;
		}
		if (vtx_console_snapshot) {
			vtx_vm_stop(vm, VTX_STOP_SNAPSHOT, "--snapshot-on: the signal came");
			break;
		}
		int n = poll(&p, eof ? 0 : 1, 100);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		uint8_t buf[64];
		ssize_t got = read(0, buf, sizeof(buf));
		if (got <= 0) {
			eof = 1; /* end of input: the guest just sees no more bytes */
			continue;
		}
		for (ssize_t i = 0; i < got; i++) {
			if (escaped)
				vtx_console_command(vm, buf[i]);
			else if (buf[i] != VTX_CONSOLE_ESC || !vtx_console_raw)
				vtx_console_feed(vm, buf[i]);
			escaped = !escaped && buf[i] == VTX_CONSOLE_ESC && vtx_console_raw;
		}
	}
	return NULL;
}

int vtx_console_start(struct vtx_vm *vm)
{
	if (isatty(0) && tcgetattr(0, &vtx_console_saved) == 0) {
		struct termios t = vtx_console_saved;
		/* cfmakeraw(), but output processing stays on, so our own
		 * messages (and --stats) still start their lines at column 0. */
		t.c_iflag &=
		    (tcflag_t) ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
		t.c_lflag &= (tcflag_t) ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		t.c_cflag &= (tcflag_t) ~(CSIZE | PARENB);
		t.c_cflag |= CS8;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		if (tcsetattr(0, TCSANOW, &t) == 0) {
			vtx_console_raw = 1;
			atexit(vtx_console_restore);
		}
	}
	struct sigaction sa = { .sa_handler = vtx_console_on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (vtx_console_snapshot_sig) {
		struct sigaction snap = { .sa_handler = vtx_console_on_snapshot };
		sigemptyset(&snap.sa_mask);
		sigaction(vtx_console_snapshot_sig, &snap, NULL);
	}
	struct sigaction crash = { .sa_handler = vtx_console_on_crash,
				   .sa_flags = SA_RESETHAND | SA_NODEFER };
	sigemptyset(&crash.sa_mask);
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &crash, NULL);
	if (pthread_create(&vtx_console_thread, NULL, vtx_console_loop, vm) != 0)
		return -1;
	vtx_console_running = 1;
	return 0;
}

void vtx_console_stop(void)
{
	if (vtx_console_running)
		pthread_join(vtx_console_thread, NULL); /* it polls vm->stop every 100 ms */
	vtx_console_running = 0;
	vtx_console_restore();
}
