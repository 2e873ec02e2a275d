/*
 * console.c -- host stdin to COM1's receive FIFO, on its own thread.
 *
 * On a terminal we switch off line editing and echo (the guest's shell
 * does both) but keep signals: Ctrl-C (SIGINT) or SIGTERM only sets a
 * flag, and this thread, which looks at it every 100 ms, stops the VM
 * cleanly, so the terminal is always restored.
 */
#include "x86-vtx/vtx.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static struct termios vtx_console_saved;
static int vtx_console_raw;
static pthread_t vtx_console_thread;
static int vtx_console_running;
static volatile sig_atomic_t vtx_console_signal;

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

static void *vtx_console_loop(void *arg)
{
	struct vtx_vm *vm = arg;
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int eof = 0;
	while (atomic_load(&vm->stop) == VTX_RUNNING) {
		if (vtx_console_signal) {
			vtx_vm_stop(vm, VTX_STOP_ERROR,
				    vtx_console_signal == SIGINT ? "interrupted (SIGINT)"
								 : "terminated (SIGTERM)");
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
		for (ssize_t i = 0; i < got && atomic_load(&vm->stop) == VTX_RUNNING;) {
			pthread_mutex_lock(&vm->bus_lock);
			int rc = uart_rx_push(&vm->com1, buf[i]);
			pthread_mutex_unlock(&vm->bus_lock);
			if (rc == 0) {
				i++;
				continue;
			}
			/* FIFO full: let the guest drain it. */
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

int vtx_console_start(struct vtx_vm *vm)
{
	if (isatty(0) && tcgetattr(0, &vtx_console_saved) == 0) {
		struct termios t = vtx_console_saved;
		t.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
		t.c_iflag &= (tcflag_t) ~(ICRNL);
		if (tcsetattr(0, TCSANOW, &t) == 0) {
			vtx_console_raw = 1;
			atexit(vtx_console_restore);
		}
	}
	struct sigaction sa = { .sa_handler = vtx_console_on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
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
