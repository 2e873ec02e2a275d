/*
 * board_fdt.c -- build the board's device tree with libfdt (see
 * board_fdt.h for the tree's shape).
 *
 * libfdt's "sequential write" API writes the blob front to back: open a
 * node, add its properties, open its children, close it.  Each call
 * returns 0 or a negative FDT_ERR_* code, so every writer below is a list
 * of calls wrapped in FDT_TRY, and records in `c->node` which node it is
 * writing so that a failure names it.
 *
 * Cells are big-endian 32-bit words: cpu_to_fdt32() converts one.  With
 * #address-cells = #size-cells = 2 an address or a size is one 64-bit
 * value, cpu_to_fdt64().
 */
#include "isa-toy/board_fdt.h"

#include <limits.h>
#include <stdio.h>

#include <libfdt.h>

#include "isa-toy/board.h"

struct board_fdt_ctx {
	void *fdt;
	const char *node; /* being written, for the error message */
};

/* Return from the current writer if a libfdt call fails. */
#define FDT_TRY(call)                \
	do {                         \
		int err_ = (call);   \
		if (err_ < 0)        \
			return err_; \
	} while (0)

/* A string-list property ("a\0b\0") from a literal: keep the final NUL. */
#define FDT_STRINGS(fdt, name, lit) fdt_property(fdt, name, lit, sizeof(lit))

/* reg = <base size>, two cells each. */
static int board_fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* Open node "name@addr" (addr in hex, as the DT spec wants). */
static int board_fdt_begin_at(void *fdt, const char *name, uint64_t addr)
{
	char node[64];
	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}

static int board_fdt_chosen(struct board_fdt_ctx *c, const struct board_fdt_params *p)
{
	char path[64];
	snprintf(path, sizeof(path), "/soc/serial@%x", BOARD_UART_BASE);
	c->node = "/chosen";
	FDT_TRY(fdt_begin_node(c->fdt, "chosen"));
	if (p->bootargs)
		FDT_TRY(fdt_property_string(c->fdt, "bootargs", p->bootargs));
	FDT_TRY(fdt_property_string(c->fdt, "stdout-path", path));
	return fdt_end_node(c->fdt);
}

static int board_fdt_memory(struct board_fdt_ctx *c, const struct board_fdt_params *p)
{
	c->node = "/memory";
	FDT_TRY(board_fdt_begin_at(c->fdt, "memory", p->ram_base));
	FDT_TRY(fdt_property_string(c->fdt, "device_type", "memory"));
	FDT_TRY(board_fdt_reg(c->fdt, p->ram_base, p->ram_size));
	return fdt_end_node(c->fdt);
}

/* /cpus: one hart, and its local interrupt controller, whose inputs are
 * the scause interrupt codes (9 = S external, 11 = M external). */
static int board_fdt_cpus(struct board_fdt_ctx *c)
{
	void *fdt = c->fdt;
	c->node = "/cpus";
	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	FDT_TRY(fdt_property_u32(fdt, "timebase-frequency", BOARD_TIMEBASE_HZ));

	c->node = "/cpus/cpu@0";
	FDT_TRY(fdt_begin_node(fdt, "cpu@0"));
	FDT_TRY(fdt_property_u32(fdt, "phandle", BOARD_FDT_PHANDLE_CPU));
	FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
	FDT_TRY(fdt_property_u32(fdt, "reg", 0));
	FDT_TRY(fdt_property_string(fdt, "status", "okay"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv"));
	FDT_TRY(fdt_property_string(fdt, "riscv,isa", BOARD_FDT_ISA));
	/* The newer form of the same facts, which recent kernels prefer. */
	FDT_TRY(fdt_property_string(fdt, "riscv,isa-base", "rv32i"));
	FDT_TRY(FDT_STRINGS(fdt, "riscv,isa-extensions", "i\0m\0a\0zicsr\0zifencei\0sstc"));
	FDT_TRY(fdt_property_string(fdt, "mmu-type", "riscv,sv32"));

	c->node = "/cpus/cpu@0/interrupt-controller";
	FDT_TRY(fdt_begin_node(fdt, "interrupt-controller"));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	/* QEMU leaves this out; dtc then warns that an interrupt provider
	 * lacks #address-cells.  0 is what it means anyway. */
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 0));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
	FDT_TRY(fdt_property_u32(fdt, "phandle", BOARD_FDT_PHANDLE_CPU_INTC));
	FDT_TRY(fdt_end_node(fdt)); /* interrupt-controller */
	FDT_TRY(fdt_end_node(fdt)); /* cpu@0 */
	return fdt_end_node(fdt);   /* cpus */
}

/* poweroff and reboot through the finisher's register, as QEMU describes
 * them (Linux's syscon-poweroff driver writes `value` at `offset`). */
static int board_fdt_power(struct board_fdt_ctx *c)
{
	void *fdt = c->fdt;
	c->node = "/poweroff";
	FDT_TRY(fdt_begin_node(fdt, "poweroff"));
	FDT_TRY(fdt_property_u32(fdt, "value", FINISHER_PASS));
	FDT_TRY(fdt_property_u32(fdt, "offset", 0));
	FDT_TRY(fdt_property_u32(fdt, "regmap", BOARD_FDT_PHANDLE_TEST));
	FDT_TRY(fdt_property_string(fdt, "compatible", "syscon-poweroff"));
	FDT_TRY(fdt_end_node(fdt));
	c->node = "/reboot";
	FDT_TRY(fdt_begin_node(fdt, "reboot"));
	FDT_TRY(fdt_property_u32(fdt, "value", FINISHER_RESET));
	FDT_TRY(fdt_property_u32(fdt, "offset", 0));
	FDT_TRY(fdt_property_u32(fdt, "regmap", BOARD_FDT_PHANDLE_TEST));
	FDT_TRY(fdt_property_string(fdt, "compatible", "syscon-reboot"));
	return fdt_end_node(fdt);
}

/* A device interrupting through the PLIC on `source`. */
static int board_fdt_plic_irq(void *fdt, uint32_t source)
{
	FDT_TRY(fdt_property_u32(fdt, "interrupts", source));
	return fdt_property_u32(fdt, "interrupt-parent", BOARD_FDT_PHANDLE_PLIC);
}

static int board_fdt_soc(struct board_fdt_ctx *c, const struct board_fdt_params *p)
{
	void *fdt = c->fdt;
	c->node = "/soc";
	FDT_TRY(fdt_begin_node(fdt, "soc"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	FDT_TRY(fdt_property(fdt, "ranges", NULL, 0)); /* empty: identity map */

	c->node = "/soc/test";
	FDT_TRY(board_fdt_begin_at(fdt, "test", BOARD_FINISHER_BASE));
	FDT_TRY(fdt_property_u32(fdt, "phandle", BOARD_FDT_PHANDLE_TEST));
	FDT_TRY(board_fdt_reg(fdt, BOARD_FINISHER_BASE, BOARD_FINISHER_SIZE));
	FDT_TRY(FDT_STRINGS(fdt, "compatible", "sifive,test1\0sifive,test0\0syscon"));
	FDT_TRY(fdt_end_node(fdt));

	/* Context 0 = hart 0 M-mode -> M external (11); context 1 = hart 0
	 * S-mode -> S external (9).  Order matters: it numbers the contexts. */
	fdt32_t ctxs[4] = {
		cpu_to_fdt32(BOARD_FDT_PHANDLE_CPU_INTC),
		cpu_to_fdt32(BOARD_FDT_IRQ_M_EXT),
		cpu_to_fdt32(BOARD_FDT_PHANDLE_CPU_INTC),
		cpu_to_fdt32(BOARD_FDT_IRQ_S_EXT),
	};
	c->node = "/soc/plic";
	FDT_TRY(board_fdt_begin_at(fdt, "plic", BOARD_PLIC_BASE));
	FDT_TRY(fdt_property_u32(fdt, "phandle", BOARD_FDT_PHANDLE_PLIC));
	FDT_TRY(fdt_property_u32(fdt, "riscv,ndev", BOARD_PLIC_NDEV));
	FDT_TRY(board_fdt_reg(fdt, BOARD_PLIC_BASE, BOARD_PLIC_SIZE));
	FDT_TRY(fdt_property(fdt, "interrupts-extended", ctxs, sizeof(ctxs)));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(FDT_STRINGS(fdt, "compatible", "sifive,plic-1.0.0\0riscv,plic0"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 0));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	FDT_TRY(fdt_end_node(fdt));

	c->node = "/soc/serial";
	FDT_TRY(board_fdt_begin_at(fdt, "serial", BOARD_UART_BASE));
	FDT_TRY(board_fdt_plic_irq(fdt, BOARD_UART_IRQ));
	FDT_TRY(fdt_property_u32(fdt, "clock-frequency", BOARD_FDT_UART_CLOCK));
	FDT_TRY(board_fdt_reg(fdt, BOARD_UART_BASE, BOARD_UART_SIZE));
	FDT_TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	FDT_TRY(fdt_end_node(fdt));

	/* The emulated disk: trapvisor's own, so QEMU's tree has no such
	 * node, and a kernel that finds none simply has no emulated disk. */
	c->node = "/soc/disk";
	FDT_TRY(board_fdt_begin_at(fdt, "disk", BOARD_PIODISK_BASE));
	FDT_TRY(board_fdt_reg(fdt, BOARD_PIODISK_BASE, BOARD_PIODISK_SIZE));
	FDT_TRY(fdt_property_string(fdt, "compatible", "trapvisor,pio-disk"));
	FDT_TRY(fdt_end_node(fdt));

	/* The DMA copy engine: only in the tree of the VM that has it. */
	if (p->dma_copy) {
		c->node = "/soc/dma";
		FDT_TRY(board_fdt_begin_at(fdt, "dma", BOARD_DMA_BASE));
		FDT_TRY(board_fdt_plic_irq(fdt, BOARD_DMA_IRQ));
		FDT_TRY(board_fdt_reg(fdt, BOARD_DMA_BASE, BOARD_DMA_SIZE));
		FDT_TRY(fdt_property_string(fdt, "compatible", "trapvisor,dma-copy"));
		FDT_TRY(fdt_end_node(fdt));
	}

	for (int n = 0; n < p->virtio_slots; n++) {
		uint64_t base = BOARD_VIRTIO_BASE + (uint64_t)n * BOARD_VIRTIO_SIZE;
		c->node = "/soc/virtio_mmio";
		FDT_TRY(board_fdt_begin_at(fdt, "virtio_mmio", base));
		FDT_TRY(board_fdt_plic_irq(fdt, BOARD_VIRTIO_IRQ + (uint32_t)n));
		FDT_TRY(board_fdt_reg(fdt, base, BOARD_VIRTIO_SIZE));
		FDT_TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		FDT_TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt); /* soc */
}

/* The whole tree, root first. */
static int board_fdt_root(struct board_fdt_ctx *c, const struct board_fdt_params *p)
{
	void *fdt = c->fdt;
	c->node = "/";
	FDT_TRY(fdt_finish_reservemap(fdt)); /* no /memreserve/ entries */
	FDT_TRY(fdt_begin_node(fdt, ""));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
	FDT_TRY(fdt_property_string(fdt, "model", "trapvisor,trv32"));
	FDT_TRY(board_fdt_chosen(c, p));
	FDT_TRY(board_fdt_memory(c, p));
	FDT_TRY(board_fdt_cpus(c));
	FDT_TRY(board_fdt_power(c));
	FDT_TRY(board_fdt_soc(c, p));
	c->node = "/";
	FDT_TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int board_fdt_build(void *buf, size_t bufsize, const struct board_fdt_params *p)
{
	struct board_fdt_ctx c = { buf, "(header)" };
	int err;

	if (p->virtio_slots < 0 || p->virtio_slots > BOARD_VIRTIO_SLOTS) {
		fprintf(stderr, "trapvisor: device tree: %d virtio slots (the board has 0..%d)\n",
			p->virtio_slots, BOARD_VIRTIO_SLOTS);
		return -1;
	}
	if (p->ram_size == 0 || p->ram_base + p->ram_size < p->ram_base) {
		fprintf(stderr, "trapvisor: device tree: empty or wrapping RAM range\n");
		return -1;
	}
	/* libfdt sizes are ints; a larger buffer is simply not used past that. */
	err = fdt_create(buf, bufsize > INT_MAX ? INT_MAX : (int)bufsize);
	if (err == 0)
		err = board_fdt_root(&c, p);
	if (err < 0) {
		fprintf(stderr, "trapvisor: device tree: node %s: %s (buffer %zu bytes)\n", c.node,
			fdt_strerror(err), bufsize);
		return -1;
	}
	return (int)fdt_totalsize(buf);
}
