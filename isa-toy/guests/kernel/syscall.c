/*
 * syscall.c -- system calls: a table from number to function (built from
 * syscalls.def), and the functions.  Each takes the trap frame, reads its
 * arguments from the saved a0..a2 and returns the value for a0.
 *
 * Arguments are the program's to choose: every pointer is checked by
 * umem_copyin/copyout (U=1, permissions) and every length is bounded
 * before the kernel uses it.
 */
#include "kernel/console.h"
#include "kernel/disk.h"
#include "kernel/balloon.h"
#include "kernel/dma.h"
#include "kernel/kalloc.h"
#include "kernel/net.h"
#include "kernel/kernel.h"
#include "kernel/micro.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/umem.h"

#define SYSCALL_ARGV_MAX 8  /* arguments of spawn(), the name included */
#define SYSCALL_ARG_LEN	 64 /* bytes per argument */

/* sys_arg: the n-th argument (a0 + n), as the program left it.  Only a
 * number: a pointer must still go through umem_copyin/copyout. */
static uint32_t sys_arg(struct trapframe *tf, int n)
{
	return tf->regs[TF_A0 + n];
}

static int sys_exit(struct trapframe *tf)
{
	proc_exit((int)sys_arg(tf, 0));
}

/* write(fd, buf, n): copy the bytes in page-sized chunks and send them
 * to the UART.  The kernel is not preemptive, so the whole write reaches
 * the console before any other process can write: programs that print
 * whole lines with one write never see their output mixed. */
static int sys_write(struct trapframe *tf)
{
	uint32_t fd = sys_arg(tf, 0), va = sys_arg(tf, 1), n = sys_arg(tf, 2);
	char buf[128];

	if (fd != 1 && fd != 2)
		return -1;
	if (n > 0x100000)
		return -1;
	/* Check the whole buffer first, so a bad pointer writes nothing. */
	for (uint32_t off = 0; off < n; off += sizeof(buf)) {
		uint32_t chunk = n - off < sizeof(buf) ? n - off : sizeof(buf);
		if (umem_copyin(proc_current(), buf, va + off, chunk) < 0)
			return -1;
	}
	for (uint32_t off = 0; off < n; off += sizeof(buf)) {
		uint32_t chunk = n - off < sizeof(buf) ? n - off : sizeof(buf);
		umem_copyin(proc_current(), buf, va + off, chunk);
		for (uint32_t i = 0; i < chunk; i++)
			uart_putc(buf[i]);
	}
	return (int)n;
}

/* read(0, buf, n): block in console_read() until the UART interrupt
 * handler has delivered a line, then copy it out to the program. */
static int sys_read(struct trapframe *tf)
{
	uint32_t fd = sys_arg(tf, 0), va = sys_arg(tf, 1), n = sys_arg(tf, 2);
	char buf[128];

	if (fd != 0)
		return -1;
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (n == 0)
		return 0;
	/* Refuse a bad buffer before taking input that would be lost. */
	memset(buf, 0, n);
	if (umem_copyout(proc_current(), va, buf, n) < 0)
		return -1;
	int got = console_read(buf, (int)n);
	if (umem_copyout(proc_current(), va, buf, (uint32_t)got) < 0)
		return -1;
	return got;
}

static int sys_getpid(struct trapframe *tf)
{
	(void)tf;
	return proc_current()->pid;
}

static int sys_yield(struct trapframe *tf)
{
	(void)tf;
	proc_yield();
	return 0;
}

static int sys_sleep(struct trapframe *tf)
{
	uint32_t ms = sys_arg(tf, 0);
	if (ms > 3600000)
		return -1;
	/* Round up to whole ticks: sleep at least as long as asked. */
	proc_sleep_ticks((ms * TIMER_HZ + 999) / 1000);
	return 0;
}

/* sbrk(delta): see umem_sbrk; growing maps nothing yet (demand-zero). */
static int sys_sbrk(struct trapframe *tf)
{
	return (int)umem_sbrk(proc_current(), (int)sys_arg(tf, 0));
}

/* spawn(name, argv): copy the name and the NULL-terminated argv from the
 * caller into kernel buffers, then build the new process from them. */
static int sys_spawn(struct trapframe *tf)
{
	struct proc *p = proc_current();
	char args[SYSCALL_ARGV_MAX][SYSCALL_ARG_LEN];
	char name[PROC_NAME_MAX];
	char *argv[SYSCALL_ARGV_MAX];
	uint32_t argv_va = sys_arg(tf, 1);
	int argc = 0;

	if (umem_copyinstr(p, name, sys_arg(tf, 0), sizeof(name)) < 0)
		return -1;
	for (;; argc++) {
		uint32_t ptr;
		if (umem_copyin(p, &ptr, argv_va + argc * sizeof(uint32_t), sizeof(ptr)) < 0)
			return -1;
		if (!ptr)
			break;
		if (argc == SYSCALL_ARGV_MAX ||
		    umem_copyinstr(p, args[argc], ptr, SYSCALL_ARG_LEN) < 0)
			return -1;
		argv[argc] = args[argc];
	}
	return proc_spawn(name, argc, argv, p);
}

/* wait(&status): status may be NULL; it is written only once a child
 * was reaped. */
static int sys_wait(struct trapframe *tf)
{
	int status, pid = proc_wait(&status);
	uint32_t va = sys_arg(tf, 0);

	if (pid > 0 && va && umem_copyout(proc_current(), va, &status, sizeof(status)) < 0)
		return -1;
	return pid;
}

static int sys_send(struct trapframe *tf)
{
	return proc_send((int)sys_arg(tf, 0), (int)sys_arg(tf, 1));
}

static int sys_recv(struct trapframe *tf)
{
	(void)tf;
	return proc_recv();
}

static int sys_uptime(struct trapframe *tf)
{
	(void)tf;
	return (int)timer_ticks();
}

/* critical(rounds, &result): result[0] = critical sections the timer
 * interrupted, result[1] = counter updates lost (kernel/virt.c). */
static int sys_critical(struct trapframe *tf)
{
	uint32_t result[2];
	result[0] = (uint32_t)virt_critical(sys_arg(tf, 0), &result[1]);
	if (umem_copyout(proc_current(), sys_arg(tf, 1), result, sizeof(result)))
		return -1;
	return 0;
}

/* probe(): bit 0 = sstatus.SIE read back as set, bit 1 = the probing code
 * reads back as compiled (kernel/virt.c). */
static int sys_probe(struct trapframe *tf)
{
	(void)tf;
	return virt_probe();
}

#define SYSCALL_DISK_MAX 128 /* sectors per diskread/diskwrite */

static int sys_diskinfo(struct trapframe *tf)
{
	(void)tf;
	return (int)disk_sectors();
}

/* diskread/diskwrite(sector, buf, n): a page at a time through a kernel
 * buffer (the device reaches only RAM the kernel owns, never a
 * program's page directly). */
static int sys_disk_rw(struct trapframe *tf, bool write)
{
	uint32_t sector = sys_arg(tf, 0), va = sys_arg(tf, 1), n = sys_arg(tf, 2);
	uint32_t per_page = PAGE_SIZE / DISK_SECTOR;

	if (n > SYSCALL_DISK_MAX || sector > disk_sectors() || n > disk_sectors() - sector)
		return -1;
	uint8_t *page = kalloc();
	if (!page)
		return -1;
	int rc = 0;
	for (uint32_t done = 0; done < n && rc == 0; done += per_page) {
		uint32_t k = n - done < per_page ? n - done : per_page;
		uint32_t uva = va + done * DISK_SECTOR, bytes = k * DISK_SECTOR;
		if (write)
			rc = umem_copyin(proc_current(), page, uva, bytes) < 0 ||
				     disk_rw(sector + done, page, k, true)
				 ? -1
				 : 0;
		else
			rc = disk_rw(sector + done, page, k, false) ||
				     umem_copyout(proc_current(), uva, page, bytes) < 0
				 ? -1
				 : 0;
	}
	kfree(page);
	return rc;
}

static int sys_diskread(struct trapframe *tf)
{
	return sys_disk_rw(tf, false);
}

static int sys_diskwrite(struct trapframe *tf)
{
	return sys_disk_rw(tf, true);
}

static int sys_netinfo(struct trapframe *tf)
{
	(void)tf;
	return (int)net_ip();
}

static int sys_ping(struct trapframe *tf)
{
	return net_ping(sys_arg(tf, 0), sys_arg(tf, 1));
}

static int sys_echoes(struct trapframe *tf)
{
	(void)tf;
	return (int)net_echoes_answered();
}

/* udpsend/udprecv: the datagram goes through a kernel buffer. */
static int sys_udpsend(struct trapframe *tf)
{
	static uint8_t buf[NET_UDP_MAX];
	uint32_t n = sys_arg(tf, 4);
	if (n > sizeof(buf) || umem_copyin(proc_current(), buf, sys_arg(tf, 3), n) < 0)
		return -1;
	return net_udp_send(sys_arg(tf, 0), (uint16_t)sys_arg(tf, 1), (uint16_t)sys_arg(tf, 2), buf,
			    n);
}

static int sys_udprecv(struct trapframe *tf)
{
	static uint8_t buf[NET_UDP_MAX];
	uint32_t n = sys_arg(tf, 2), ticks = sys_arg(tf, 3);
	if (n > sizeof(buf) || ticks > 100000)
		return -1;
	int got = net_udp_recv((uint16_t)sys_arg(tf, 0), buf, n, ticks);
	if (got > 0 && umem_copyout(proc_current(), sys_arg(tf, 1), buf, (uint32_t)got) < 0)
		return -1;
	return got;
}

/* dmacopy(dst, src, n): through two kernel pages, as the disk's calls
 * (the engine reaches only RAM the kernel owns, never a program's page
 * directly); the kernel sleeps until the engine's interrupt. */
static int sys_dmacopy(struct trapframe *tf)
{
	uint32_t dst = sys_arg(tf, 0), src = sys_arg(tf, 1), n = sys_arg(tf, 2);
	if (n == 0 || n > PAGE_SIZE)
		return -1;
	uint8_t *from = kalloc(), *to = kalloc();
	int rc = -1;
	/* The kernel's RAM is identity mapped: a kernel page's address is
	 * its physical address, which is what the engine wants. */
	if (from && to && umem_copyin(proc_current(), from, src, n) == 0) {
		rc = dma_copy((uint32_t)to, (uint32_t)from, n);
		if (rc > 0 && umem_copyout(proc_current(), dst, to, n) < 0)
			rc = -1;
	}
	if (from)
		kfree(from);
	if (to)
		kfree(to);
	return rc;
}

/* micro(kind, n): n iterations of one microbenchmark that needs the
 * kernel (kernel/micro.c); 0, or -1 for an unknown kind. */
static int sys_micro(struct trapframe *tf)
{
	return micro_run(sys_arg(tf, 0), sys_arg(tf, 1));
}

/* meminfo(out[4]): what the memory balloon (kernel/balloon.c) did. */
static int sys_meminfo(struct trapframe *tf)
{
	uint32_t info[4] = { kalloc_free_pages(), balloon_pages(), balloon_target(),
			     balloon_requests() };
	if (umem_copyout(proc_current(), sys_arg(tf, 0), info, sizeof(info)))
		return -1;
	return balloon_present() ? 0 : -1;
}

/* The table: syscall_table[number] = function. */
static int (*const syscall_table[])(struct trapframe *) = {
#define SYSCALL(num, name) [num] = sys_##name,
#include "kernel/syscalls.def"
#undef SYSCALL
};

/*
 * syscall_dispatch: called by trap_handler for an `ecall` from U-mode,
 * with interrupts on and tf = the program's registers as they were at the
 * ecall.  The number is in a7 (the stub put it there); the result goes in
 * tf's a0, which trap_return loads into the real a0 just before sret, so
 * the program sees it as the stub's return value.
 */
void syscall_dispatch(struct trapframe *tf)
{
	uint32_t num = tf->regs[TF_A7];

	/* A number past the table or a hole in it is the program's mistake,
	 * not the kernel's: -1, never a crash. */
	if (num < ARRAY_SIZE(syscall_table) && syscall_table[num])
		tf->regs[TF_A0] = (uint32_t)syscall_table[num](tf);
	else
		tf->regs[TF_A0] = (uint32_t)-1; /* no such call */
}
