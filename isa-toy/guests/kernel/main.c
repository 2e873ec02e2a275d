/*
 * main.c -- boot: from the firmware's jump to the first process.
 *
 *   1. read the device tree: RAM, UART, PLIC, timebase, bootargs
 *   2. give the free RAM to the page allocator
 *   3. build the kernel page table and turn paging on
 *   4. start the devices (UART, PLIC, a disk and a network card if
 *      there are),
 *      the trap vector and the timer
 *   5. spawn init (pid 1) with the programs named in `run=`, and
 *      schedule forever.  When init exits, the machine powers off with
 *      init's exit status (proc_exit).
 *
 * Bootargs (see docs/kernel.md): space-separated words; the one that
 * matters is  run=PROG[:ARG...][,PROG[:ARG...]]...  e.g.
 *   run=hello,primes:5000,memtouch:8
 * Each comma-separated item becomes one argument of init, which runs
 * them one after another (so their output never interleaves).
 */
#include "kernel/console.h"
#include "kernel/disk.h"
#include "kernel/fdt.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/plic.h"
#include "kernel/balloon.h"
#include "kernel/dma.h"
#include "kernel/proc.h"
#include "kernel/pv.h"
#include "kernel/timer.h"
#include "kernel/trap.h"

#define MAIN_RUN_MAX	 7	 /* programs per run= (init's argv) */
#define MAIN_DEFAULT_RUN "hello" /* when bootargs say nothing */

static struct fdt_info main_fdt;

/* main_usable_top: where free RAM ends.  The device tree blob sits near
 * the top of RAM on both trapvisor and QEMU, and on QEMU the M-mode shim
 * keeps its stack above it: so we use RAM only below the blob. */
static uint32_t main_usable_top(uint32_t dtb, uint32_t ram_end)
{
	if (dtb >= (uint32_t)kernel_end && dtb < ram_end)
		return PAGE_ROUND_DOWN(dtb);
	return ram_end;
}

/* main_split_run: find run=... in the bootargs (which we may cut up) and
 * put its comma-separated items in argv[1..]; returns argc. */
static int main_split_run(char *args, char *argv[], int max)
{
	int argc = 1;
	char *run = NULL;

	for (char *w = args; *w;) {
		while (*w == ' ')
			w++;
		char *e = w;
		while (*e && *e != ' ')
			e++;
		if (!strncmp(w, "run=", 4))
			run = w + 4;
		if (!*e)
			break;
		*e = 0;
		w = e + 1;
	}
	if (!run || !*run)
		run = MAIN_DEFAULT_RUN;
	for (char *item = run; *item && argc < max;) {
		argv[argc++] = item;
		while (*item && *item != ',')
			item++;
		if (*item)
			*item++ = 0;
	}
	return argc;
}

void kmain(uint32_t hartid, uintptr_t dtb)
{
	const char *err;
	char *argv[MAIN_RUN_MAX + 1];
	char args[FDT_BOOTARGS_MAX];

#ifdef PARAVIRT
	pv_init(); /* first: without the monitor's help nothing below works */
#endif
	if (hartid != 0)
		panic("kernel: hart %u: only hart 0 is supported", hartid);
	if (fdt_parse((const void *)dtb, &main_fdt, &err) < 0)
		panic("device tree at %p: %s", (void *)dtb, err);

	/* RAM: from the end of our image to just below the device tree. */
	uint32_t ram_base = main_fdt.mem_base, ram_end = ram_base + main_fdt.mem_size;
	if (ram_base != (uint32_t)kernel_start || ram_end < ram_base || ram_end > VM_KSTACK_BASE)
		panic("RAM [%p, %p) does not fit the kernel's map", (void *)ram_base,
		      (void *)ram_end);
	kalloc_init((uintptr_t)kernel_end, main_usable_top(dtb, ram_end));

	/* Paging on: from here, every address goes through vm_kernel_root. */
	if (main_fdt.plic_base % VM_MEGAPAGE)
		panic("PLIC at %p is not 4 MiB aligned", (void *)main_fdt.plic_base);
	vm_kernel_init(ram_base, ram_end, PAGE_ROUND_DOWN(main_fdt.uart_base), main_fdt.plic_base,
		       NPROC);
	disk_map(&main_fdt);
	dma_map(&main_fdt);
	vm_switch(vm_kernel_root());

	uart_init(VM_UART + main_fdt.uart_base % PAGE_SIZE);
	plic_init(VM_PLIC, main_fdt.uart_irq);
	kprintf("kernel: %u MiB RAM, bootargs \"%s\"\n", main_fdt.mem_size >> 20,
		main_fdt.bootargs);
	disk_init(&main_fdt);
	net_init(&main_fdt);
	dma_init(&main_fdt);
	balloon_init(&main_fdt);
	trap_init();
	timer_init(main_fdt.timebase_hz);
	proc_init();

	strlcpy(args, main_fdt.bootargs, sizeof(args));
	argv[0] = "init";
	int argc = main_split_run(args, argv, MAIN_RUN_MAX + 1);
	if (proc_spawn("init", argc, argv, NULL) != 1)
		panic("cannot start init");
	proc_scheduler();
}
