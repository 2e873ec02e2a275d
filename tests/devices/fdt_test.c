/*
 * fdt_test.c -- the board's device tree: read back with libfdt, and
 * decoded by an independent tool, `dtc -I dtb -O dts`, which must accept
 * it without a warning and show the bootargs, the memory and the UART.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "isa-toy/board.h"
#include "isa-toy/board_fdt.h"
#include "tests/devices/capture.h"

static char blob[16384];

static int build(const char *bootargs, int virtio)
{
	struct board_fdt_params p = {
		.ram_base = BOARD_RAM_BASE,
		.ram_size = BOARD_RAM_DEFAULT,
		.bootargs = bootargs,
		.virtio_slots = virtio,
	};
	return board_fdt_build(blob, sizeof(blob), &p);
}

static int node(const char *path)
{
	int off = fdt_path_offset(blob, path);
	cr_assert_geq(off, 0, "node %s: %s", path, fdt_strerror(off));
	return off;
}

/* Property `name` of `path` as an array of cells; returns the count. */
static int cells(const char *path, const char *name, uint32_t *out, int max)
{
	int len;
	const fdt32_t *p = fdt_getprop(blob, node(path), name, &len);
	cr_assert_not_null(p, "%s:%s missing", path, name);
	cr_assert_eq(len % 4, 0);
	for (int i = 0; i < len / 4 && i < max; i++)
		out[i] = fdt32_to_cpu(p[i]);
	return len / 4;
}

static const char *str(const char *path, const char *name)
{
	const char *s = fdt_getprop(blob, node(path), name, NULL);
	cr_assert_not_null(s, "%s:%s missing", path, name);
	return s;
}

/* Run dtc on the blob; return its dts output (malloc'd), stderr in *err. */
static char *dtc_decode(int size, char **err)
{
	char dir[] = "/tmp/trv-fdt-XXXXXX";
	char in[64], out[64], errf[64], cmd[256];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(in, sizeof(in), "%s/board.dtb", dir);
	snprintf(out, sizeof(out), "%s/board.dts", dir);
	snprintf(errf, sizeof(errf), "%s/dtc.err", dir);
	FILE *f = fopen(in, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(blob, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o %s %s 2>%s", out, in, errf);
	cr_assert_eq(system(cmd), 0, "dtc failed to decode the blob");

	char *text[2] = { NULL, NULL };
	const char *files[2] = { out, errf };
	for (int i = 0; i < 2; i++) {
		size_t n = 0;
		f = fopen(files[i], "r");
		cr_assert_not_null(f);
		text[i] = calloc(1, 65536);
		n = fread(text[i], 1, 65535, f);
		text[i][n] = '\0';
		fclose(f);
		unlink(files[i]);
	}
	unlink(in);
	rmdir(dir);
	*err = text[1];
	return text[0];
}

Test(fdt, dtc_decodes_cleanly)
{
	int size = build("console=ttyS0 earlycon=sbi", 0);
	char *err;
	cr_assert_gt(size, 0);
	char *dts = dtc_decode(size, &err);
	cr_assert_str_empty(err, "dtc warned: %s", err);
	cr_assert_not_null(strstr(dts, "bootargs = \"console=ttyS0 earlycon=sbi\";"), "%s", dts);
	cr_assert_not_null(strstr(dts, "memory@80000000 {"));
	cr_assert_not_null(strstr(dts, "reg = <0x00 0x80000000 0x00 0x4000000>;"), "%s", dts);
	cr_assert_not_null(strstr(dts, "serial@10000000 {"));
	cr_assert_not_null(strstr(dts, "compatible = \"ns16550a\";"));
	cr_assert_not_null(strstr(dts, "stdout-path = \"/soc/serial@10000000\";"));
	cr_assert_null(strstr(dts, "virtio_mmio"), "no virtio unless asked");
	free(dts);
	free(err);
}

Test(fdt, header_and_size)
{
	int size = build("", 0);
	cr_assert_gt(size, 0);
	cr_assert_eq(fdt_check_header(blob), 0);
	cr_assert_eq((int)fdt_totalsize(blob), size);
	cr_assert_lt(size, 4096, "small enough for one page");
}

Test(fdt, root_chosen_memory)
{
	uint32_t c[8];
	cr_assert_gt(build("root=/dev/vda ro", 0), 0);
	cr_assert_eq(cells("/", "#address-cells", c, 8), 1);
	cr_assert_eq(c[0], 2);
	cr_assert_eq(cells("/", "#size-cells", c, 8), 1);
	cr_assert_eq(c[0], 2);
	cr_assert_str_eq(str("/", "compatible"), "riscv-virtio");
	cr_assert_str_eq(str("/", "model"), "trapvisor,trv32");
	cr_assert_str_eq(str("/chosen", "bootargs"), "root=/dev/vda ro");
	cr_assert_str_eq(str("/memory@80000000", "device_type"), "memory");
	cr_assert_eq(cells("/memory@80000000", "reg", c, 8), 4);
	cr_assert_eq(((uint64_t)c[0] << 32 | c[1]), BOARD_RAM_BASE);
	cr_assert_eq(((uint64_t)c[2] << 32 | c[3]), BOARD_RAM_DEFAULT);
	/* stdout-path names a node that exists */
	cr_assert_geq(fdt_path_offset(blob, str("/chosen", "stdout-path")), 0);
}

Test(fdt, no_bootargs_property_when_null)
{
	cr_assert_gt(build(NULL, 0), 0);
	cr_assert_null(fdt_getprop(blob, node("/chosen"), "bootargs", NULL));
}

Test(fdt, cpu_and_its_interrupt_controller)
{
	uint32_t c[8];
	cr_assert_gt(build("", 0), 0);
	cr_assert_eq(cells("/cpus", "timebase-frequency", c, 8), 1);
	cr_assert_eq(c[0], BOARD_TIMEBASE_HZ);
	cr_assert_str_eq(str("/cpus/cpu@0", "device_type"), "cpu");
	cr_assert_str_eq(str("/cpus/cpu@0", "riscv,isa"), "rv32ima_zicsr_zifencei_sstc");
	cr_assert_str_eq(str("/cpus/cpu@0", "mmu-type"), "riscv,sv32");
	cr_assert_str_eq(str("/cpus/cpu@0", "status"), "okay");
	cr_assert_eq(cells("/cpus/cpu@0", "reg", c, 8), 1);
	cr_assert_eq(c[0], 0);
	int intc = node("/cpus/cpu@0/interrupt-controller");
	cr_assert_eq(fdt_node_check_compatible(blob, intc, "riscv,cpu-intc"), 0);
	cr_assert_not_null(fdt_getprop(blob, intc, "interrupt-controller", NULL));
	cr_assert_eq(fdt_get_phandle(blob, intc), BOARD_FDT_PHANDLE_CPU_INTC);
}

Test(fdt, plic_contexts_and_devices)
{
	uint32_t c[8];
	cr_assert_gt(build("", 0), 0);
	int plic = node("/soc/plic@c000000");
	cr_assert_eq(fdt_node_check_compatible(blob, plic, "riscv,plic0"), 0);
	cr_assert_eq(fdt_node_check_compatible(blob, plic, "sifive,plic-1.0.0"), 0);
	cr_assert_eq(cells("/soc/plic@c000000", "riscv,ndev", c, 8), 1);
	cr_assert_eq(c[0], BOARD_PLIC_NDEV);
	/* context 0: M external (11), context 1: S external (9), on the cpu-intc */
	cr_assert_eq(cells("/soc/plic@c000000", "interrupts-extended", c, 8), 4);
	int intc = fdt_node_offset_by_phandle(blob, c[0]);
	cr_assert_eq(intc, node("/cpus/cpu@0/interrupt-controller"));
	cr_assert_eq(c[1], 11);
	cr_assert_eq(c[2], c[0]);
	cr_assert_eq(c[3], 9);

	/* the UART interrupts through the PLIC on its source */
	cr_assert_eq(cells("/soc/serial@10000000", "interrupts", c, 8), 1);
	cr_assert_eq(c[0], BOARD_UART_IRQ);
	cr_assert_eq(cells("/soc/serial@10000000", "interrupt-parent", c, 8), 1);
	cr_assert_eq(fdt_node_offset_by_phandle(blob, c[0]), plic);
	cr_assert_eq(cells("/soc/serial@10000000", "clock-frequency", c, 8), 1);
	cr_assert_eq(c[0], 3686400);

	int test = node("/soc/test@100000");
	cr_assert_eq(fdt_node_check_compatible(blob, test, "sifive,test0"), 0);
	cr_assert_eq(cells("/soc/test@100000", "reg", c, 8), 4);
	cr_assert_eq(c[1], BOARD_FINISHER_BASE);
	cr_assert_eq(c[3], BOARD_FINISHER_SIZE);
	cr_assert_str_eq(str("/soc", "compatible"), "simple-bus");
}

Test(fdt, virtio_nodes_on_request)
{
	uint32_t c[8];
	char path[64];
	cr_assert_gt(build("", 3), 0);
	for (int n = 0; n < 3; n++) {
		snprintf(path, sizeof(path), "/soc/virtio_mmio@%x",
			 BOARD_VIRTIO_BASE + (unsigned)n * BOARD_VIRTIO_SIZE);
		cr_assert_str_eq(str(path, "compatible"), "virtio,mmio");
		cr_assert_eq(cells(path, "interrupts", c, 8), 1);
		cr_assert_eq(c[0], BOARD_VIRTIO_IRQ + (unsigned)n);
		cr_assert_eq(cells(path, "reg", c, 8), 4);
		cr_assert_eq(c[1], BOARD_VIRTIO_BASE + (unsigned)n * BOARD_VIRTIO_SIZE);
	}
	snprintf(path, sizeof(path), "/soc/virtio_mmio@%x",
		 BOARD_VIRTIO_BASE + 3 * BOARD_VIRTIO_SIZE);
	cr_assert_lt(fdt_path_offset(blob, path), 0, "only as many as asked");
	char *err;
	char *dts = dtc_decode((int)fdt_totalsize(blob), &err);
	cr_assert_str_empty(err, "dtc warned: %s", err);
	free(dts);
	free(err);
}

Test(fdt, failures_say_what)
{
	struct board_fdt_params p = { BOARD_RAM_BASE, BOARD_RAM_DEFAULT, "x", 0, 0 };
	struct capture cap;
	char msg[1024];

	capture_begin(&cap);
	int small = board_fdt_build(blob, 600, &p);
	capture_end(&cap, msg, sizeof(msg));
	cr_assert_eq(small, -1, "buffer too small, mid-tree");
	cr_assert_not_null(strstr(msg, "trapvisor: device tree: node /"), "%s", msg);
	cr_assert_not_null(strstr(msg, "FDT_ERR_NOSPACE"), "%s", msg);

	capture_begin(&cap);
	int tiny = board_fdt_build(blob, 16, &p);
	capture_end(&cap, msg, sizeof(msg));
	cr_assert_eq(tiny, -1, "buffer too small for the header");
	cr_assert_not_null(strstr(msg, "FDT_ERR_NOSPACE"), "%s", msg);

	capture_begin(&cap);
	p.virtio_slots = BOARD_VIRTIO_SLOTS + 1;
	int many = board_fdt_build(blob, sizeof(blob), &p);
	p.virtio_slots = -1;
	int negative = board_fdt_build(blob, sizeof(blob), &p);
	p.virtio_slots = 0;
	p.ram_size = 0;
	int noram = board_fdt_build(blob, sizeof(blob), &p);
	capture_end(&cap, msg, sizeof(msg));
	cr_assert_eq(many, -1, "too many virtio slots");
	cr_assert_eq(negative, -1);
	cr_assert_eq(noram, -1, "no RAM");
	cr_assert_not_null(strstr(msg, "virtio slots"), "%s", msg);
	cr_assert_not_null(strstr(msg, "RAM"), "%s", msg);
}
