/*
 * pc.c -- the few PC devices that live in user space.  Everything else a
 * Linux guest needs (PICs, IOAPIC, local APICs, PIT) is in KVM.
 *
 *   port 0x3f8-0x3ff  COM1, the shared ns16550a model, IRQ 4
 *   port 0x60, 0x64   i8042 keyboard controller: only its reset line
 *                     (command 0xFE pulses the CPU's RESET pin)
 *   port 0x600-0x607  ACPI PM1a event and control blocks (FADT): writing
 *                     SLP_EN with the S5 sleep type powers the machine off
 *   anything else     ignored, reads all ones, as on a PC's open bus
 */
#include "x86-vtx/vtx.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "x86-vtx/layout.h"

#define I8042_DATA 0x60       /* data port */
#define I8042_CMD_RESET 0xfe  /* "pulse output line 0" = CPU reset */
#define PM1_CNT_OFF 4         /* PM1a_CNT_BLK = VTX_PM_BASE + 4 */
#define PM1_CNT_SCI_EN 0x0001 /* ACPI mode is on (we never leave it) */
#define PM1_CNT_SLP_EN 0x2000 /* enter the sleep state in SLP_TYP */

/* The UART's interrupt line: a level on a GSI of KVM's irqchip, which
 * routes GSI 0-15 to both the 8259 pins and the IOAPIC pins. */
static void vtx_pc_irq(void *ctrl, int irq, int level)
{
	struct vtx_vm *vm = ctrl;
	struct kvm_irq_level l = { .irq = (uint32_t)irq, .level = (uint32_t)level };
	ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
}

static void vtx_pc_tx(void *ctx, uint8_t byte)
{
	struct vtx_vm *vm = ctx;
	ssize_t rc = write(vm->console_out, &byte, 1);
	(void)rc; /* a closed terminal must not stop the guest */
}

static enum bus_status vtx_i8042_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	(void)dev;
	(void)off;
	(void)size;
	*val = 0; /* status: output and input buffers empty, so reboot's wait ends */
	return BUS_OK;
}

static enum bus_status vtx_i8042_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	(void)size;
	if (off == VTX_I8042_CMD - I8042_DATA && (val & 0xff) == I8042_CMD_RESET)
		vtx_vm_stop(dev, VTX_STOP_RESET, "the guest reset (i8042 command 0xfe)");
	return BUS_OK;
}

static const struct bus_ops vtx_i8042_ops = { vtx_i8042_read, vtx_i8042_write };

static enum bus_status vtx_pm_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	(void)dev;
	/* Only PM1_CNT has a bit set: SCI_EN, "the firmware already put the
	 * machine in ACPI mode" (FADT.SMI_CMD is 0, so Linux won't try). */
	uint64_t regs = (uint64_t)PM1_CNT_SCI_EN << (8 * PM1_CNT_OFF);
	*val = (regs >> (8 * off)) & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
	return BUS_OK;
}

static enum bus_status vtx_pm_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	/* Place the written bytes where they land in the 8-byte block and
	 * look at PM1_CNT only. */
	if (off >= 8)
		return BUS_OK;
	uint64_t regs = val << (8 * off);
	if (size < 8)
		regs &= ((1ull << (8 * size)) - 1) << (8 * off);
	uint16_t cnt = (uint16_t)(regs >> (8 * PM1_CNT_OFF));
	if (cnt & PM1_CNT_SLP_EN) {
		char msg[64];
		snprintf(msg, sizeof(msg), "the guest powered off (ACPI S%d)", (cnt >> 10) & 7);
		vtx_vm_stop(dev, VTX_STOP_POWEROFF, msg);
	}
	return BUS_OK;
}

static const struct bus_ops vtx_pm_ops = { vtx_pm_read, vtx_pm_write };

static enum bus_status vtx_ignore_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	(void)dev;
	(void)off;
	*val = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	return BUS_OK;
}

static enum bus_status vtx_ignore_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	(void)dev;
	(void)off;
	(void)size;
	(void)val;
	return BUS_OK;
}

static const struct bus_ops vtx_ignore_ops = { vtx_ignore_read, vtx_ignore_write };

int vtx_pc_devices(struct vtx_vm *vm)
{
	bus_init(&vm->pio);
	bus_init(&vm->mmio);
	bus_set_fallback(&vm->pio, vm, &vtx_ignore_ops);
	bus_set_fallback(&vm->mmio, vm, &vtx_ignore_ops);

	struct irq_line com1_irq = { vtx_pc_irq, vm, VTX_COM1_IRQ };
	uart_init(&vm->com1, &com1_irq, vtx_pc_tx, vm);
	if (bus_register(&vm->pio, "com1", VTX_COM1, 8, &vm->com1, &uart_bus_ops) < 0 ||
	    bus_register(&vm->pio, "i8042", I8042_DATA, VTX_I8042_CMD - I8042_DATA + 1, vm,
			 &vtx_i8042_ops) < 0 ||
	    bus_register(&vm->pio, "acpi-pm", VTX_PM_BASE, VTX_PM_LEN, vm, &vtx_pm_ops) < 0)
		return -1;
	return 0;
}
