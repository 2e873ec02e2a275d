/*
 * fdt.c -- reading a flattened device tree (devicetree spec, ch. 5).
 *
 * The blob is big-endian:
 *
 *   +-----------------+ 0
 *   | header          |  magic 0xd00dfeed, totalsize, off_dt_struct,
 *   |                 |  off_dt_strings, ..., size_dt_strings, size_dt_struct
 *   +-----------------+
 *   | memory reserve  |  (not needed here)
 *   +-----------------+ off_dt_struct
 *   | structure block |  a stream of 32-bit tokens:
 *   |                 |    BEGIN_NODE name\0 (padded to 4)
 *   |                 |    PROP len nameoff value[len] (padded)
 *   |                 |    END_NODE, NOP, END
 *   +-----------------+ off_dt_strings
 *   | strings block   |  property names, found by nameoff
 *   +-----------------+ totalsize
 *
 * We walk the tokens once, remembering the properties we care about for
 * the node we are in, and decide at its END_NODE what the node was.
 * A `reg` is a list of (address, size) pairs, each #address-cells and
 * #size-cells 32-bit words long, those counts coming from the parent.
 */
#include "kernel/fdt.h"
#include "kernel/kernel.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4
#define FDT_END	       9
#define FDT_MAX_SIZE   (1u << 20) /* refuse anything bigger than 1 MiB */
#define FDT_MAX_DEPTH  8

static uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* fdt_copy_string: a string property of `len` bytes into dst[size],
 * stopping at its NUL or at the end of either. */
static void fdt_copy_string(char *dst, uint32_t size, const uint8_t *val, uint32_t len)
{
	uint32_t i;
	for (i = 0; i + 1 < size && i < len && val[i]; i++)
		dst[i] = (char)val[i];
	dst[i] = 0;
}

/* One node being read: what we learnt from its properties so far. */
struct fdt_node {
	const char *name;
	uint32_t addr_cells, size_cells; /* for its children */
	const uint8_t *reg, *compat, *irqs;
	uint32_t reg_len, compat_len, irqs_len;
};

/* fdt_compatible: does the "compatible" string list contain `want`? */
static bool fdt_compatible(const struct fdt_node *n, const char *want)
{
	uint32_t off = 0;
	while (off < n->compat_len) {
		const char *s = (const char *)n->compat + off;
		uint32_t len = strnlen(s, n->compat_len - off);
		if (!strcmp(s, want) && len < n->compat_len - off)
			return true;
		off += len + 1;
	}
	return false;
}

/* fdt_reg: the first (address, size) of a node's reg, given the parent's
 * cell counts.  Addresses above 4 GiB make no sense on RV32: refused. */
static int fdt_reg(const struct fdt_node *n, const struct fdt_node *parent, uint32_t *addr,
		   uint32_t *size)
{
	uint32_t ac = parent->addr_cells, sc = parent->size_cells;
	if (ac < 1 || ac > 2 || sc > 2 || n->reg_len < 4 * (ac + sc))
		return -1;
	if (ac == 2 && fdt_be32(n->reg) != 0)
		return -1;
	*addr = fdt_be32(n->reg + 4 * (ac - 1));
	*size = 0;
	if (sc == 2 && fdt_be32(n->reg + 4 * ac) != 0)
		*size = 0xffffffffu; /* 4 GiB or more: clipped by the caller */
	else if (sc)
		*size = fdt_be32(n->reg + 4 * (ac + sc - 1));
	return 0;
}

/* fdt_node_done: a node ended: is it one we were looking for?  `depth`
 * is the node's (1 = the root). */
static void fdt_node_done(const struct fdt_node *n, const struct fdt_node *parent, int depth,
			  struct fdt_info *info)
{
	uint32_t addr, size;

	if (depth == 2 && !strncmp(n->name, "memory", 6) && !fdt_reg(n, parent, &addr, &size)) {
		info->mem_base = addr;
		info->mem_size = size;
	}
	if (fdt_compatible(n, "ns16550a") && !info->uart_base &&
	    !fdt_reg(n, parent, &addr, &size)) {
		info->uart_base = addr;
		if (n->irqs_len >= 4)
			info->uart_irq = fdt_be32(n->irqs);
	}
	if (fdt_compatible(n, "trapvisor,pio-disk") && !fdt_reg(n, parent, &addr, &size))
		info->piodisk_base = addr;
	if (fdt_compatible(n, "trapvisor,dma-copy") && n->irqs_len >= 4 &&
	    !fdt_reg(n, parent, &addr, &size)) {
		info->dma_base = addr;
		info->dma_irq = fdt_be32(n->irqs);
	}
	if (fdt_compatible(n, "virtio,mmio") && info->nvirtio < FDT_VIRTIO_MAX &&
	    n->irqs_len >= 4 && !fdt_reg(n, parent, &addr, &size)) {
		info->virtio_base[info->nvirtio] = addr;
		info->virtio_irq[info->nvirtio++] = fdt_be32(n->irqs);
	}
	if ((fdt_compatible(n, "riscv,plic0") || fdt_compatible(n, "sifive,plic-1.0.0")) &&
	    !fdt_reg(n, parent, &addr, &size))
		info->plic_base = addr;
}

int fdt_parse(const void *blob, struct fdt_info *info, const char **err)
{
	const uint8_t *b = blob;
	struct fdt_node stack[FDT_MAX_DEPTH + 1];
	int depth = 0;

	memset(info, 0, sizeof(*info));
	if (fdt_be32(b) != FDT_MAGIC) {
		*err = "no device tree (bad magic)";
		return -1;
	}
	uint32_t total = fdt_be32(b + 4), off_struct = fdt_be32(b + 8);
	uint32_t off_strings = fdt_be32(b + 12), size_strings = fdt_be32(b + 32);
	uint32_t size_struct = fdt_be32(b + 36);
	if (total > FDT_MAX_SIZE || total < 40 || off_struct > total ||
	    size_struct > total - off_struct || off_strings > total ||
	    size_strings > total - off_strings) {
		*err = "device tree header out of bounds";
		return -1;
	}
	info->size = total;

	/* stack[0] stands above the root node (depth 1), so that the root
	 * too has a "parent" with the spec's default cell counts; /memory,
	 * /chosen and /cpus are at depth 2. */
	memset(&stack[0], 0, sizeof(stack[0]));
	stack[0].addr_cells = 2;
	stack[0].size_cells = 1;
	const uint8_t *p = b + off_struct, *end = p + size_struct;
	*err = "device tree structure block malformed";
	while (p + 4 <= end) {
		uint32_t token = fdt_be32(p);
		p += 4;
		if (token == FDT_BEGIN_NODE) {
			uint32_t len = strnlen((const char *)p, (uint32_t)(end - p));
			if (p + len >= end || depth == FDT_MAX_DEPTH)
				return -1;
			struct fdt_node *n = &stack[++depth];
			memset(n, 0, sizeof(*n));
			n->name = (const char *)p;
			n->addr_cells = 2;
			n->size_cells = 1;
			p += (len + 1 + 3) & ~3u;
		} else if (token == FDT_END_NODE) {
			if (depth == 0)
				return -1;
			fdt_node_done(&stack[depth], &stack[depth - 1], depth, info);
			depth--;
		} else if (token == FDT_PROP) {
			if (end - p < 8 || depth == 0)
				return -1;
			uint32_t len = fdt_be32(p), nameoff = fdt_be32(p + 4);
			const uint8_t *val = p + 8;
			if (len > (uint32_t)(end - val) || nameoff >= size_strings)
				return -1;
			const char *name = (const char *)b + off_strings + nameoff;
			if (strnlen(name, size_strings - nameoff) == size_strings - nameoff)
				return -1;
			struct fdt_node *n = &stack[depth];
			const char *node = n->name;
			if (!strcmp(name, "#address-cells") && len == 4)
				n->addr_cells = fdt_be32(val);
			else if (!strcmp(name, "#size-cells") && len == 4)
				n->size_cells = fdt_be32(val);
			else if (!strcmp(name, "reg"))
				n->reg = val, n->reg_len = len;
			else if (!strcmp(name, "compatible"))
				n->compat = val, n->compat_len = len;
			else if (!strcmp(name, "interrupts"))
				n->irqs = val, n->irqs_len = len;
			else if (depth == 2 && !strcmp(node, "chosen") && !strcmp(name, "bootargs"))
				fdt_copy_string(info->bootargs, sizeof(info->bootargs), val, len);
			else if (depth == 2 && !strcmp(node, "cpus") &&
				 !strcmp(name, "timebase-frequency") && len == 4)
				info->timebase_hz = fdt_be32(val);
			p = val + ((len + 3) & ~3u);
		} else if (token == FDT_END) {
			break;
		} else if (token != FDT_NOP) {
			return -1;
		}
	}
	if (!info->mem_size || !info->uart_base || !info->uart_irq || !info->plic_base ||
	    !info->timebase_hz) {
		*err =
		    "device tree lacks memory, uart (reg, interrupts), plic or timebase-frequency";
		return -1;
	}
	return 0;
}
