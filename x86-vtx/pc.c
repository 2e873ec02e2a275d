/*
 * pc.c -- the few PC devices that live in user space.  Everything else a
 * Linux guest needs (PICs, IOAPIC, local APICs, PIT) is in KVM.
 *
 *   port 0x3f8-0x3ff  COM1, the shared ns16550a model, IRQ 4
 *   port 0x64         i8042 keyboard controller: only its reset line
 *                     (command 0xFE pulses the CPU's RESET pin); 0x60
 *                     and 0x61 (KVM's PIT speaker port) stay out of it
 *   port 0x600-0x607  ACPI PM1a event and control blocks (FADT): writing
 *                     SLP_EN with the S5 sleep type powers the machine off
 *   anything else     ignored, reads all ones, as on a PC's open bus
 */
#include "x86-vtx/vtx.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "x86-vtx/layout.h"

#define I8042_CMD_RESET 0xfe   /* "pulse output line 0" = CPU reset */
#define PM1_CNT_OFF	4      /* PM1a_CNT_BLK = VTX_PM_BASE + 4 */
#define PM1_CNT_SCI_EN	0x0001 /* ACPI mode is on (we never leave it) */
#define PM1_CNT_SLP_EN	0x2000 /* enter the sleep state in SLP_TYP */

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
	vm->com1_tx++; /* under bus_lock, as every device access */
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
	(void)off; /* one port: 0x64, the command register */
	if ((val & 0xff) == I8042_CMD_RESET)
		vtx_vm_stop(dev, VTX_STOP_RESET, "the guest reset (i8042 command 0xfe)");
	return BUS_OK;
}

static const struct bus_ops vtx_i8042_ops = { vtx_i8042_read, vtx_i8042_write };

/*
 * The PM1a blocks, 8 bytes at VTX_PM_BASE:
 *
 *   +0 PM1_STS (16)  event status: write 1 to clear (we never raise any)
 *   +2 PM1_EN  (16)  event enables: kept, so Linux reads back what it set
 *                    (it checks GBL_EN for the ACPI global lock)
 *   +4 PM1_CNT (16)  SCI_EN always 1; SLP_TYP + SLP_EN = enter sleep state
 *   +6 unused
 */
static enum bus_status vtx_pm_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	const uint8_t *regs = ((struct vtx_vm *)dev)->pm_regs;
	*val = 0;
	for (unsigned i = 0; i < size && off + i < VTX_PM_LEN; i++)
		*val |= (uint64_t)regs[off + i] << (8 * i);
	return BUS_OK;
}

static enum bus_status vtx_pm_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	uint8_t *regs = ((struct vtx_vm *)dev)->pm_regs;
	for (unsigned i = 0; i < size && off + i < VTX_PM_LEN; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		unsigned at = (unsigned)off + i;
		if (at < 2)
			regs[at] &= (uint8_t)~b; /* status: write 1 to clear */
		else if (at < 4)
			regs[at] = b;
		else if (at < 6)
			regs[at] = at == PM1_CNT_OFF ? (uint8_t)(b | PM1_CNT_SCI_EN) : b;
	}
	uint16_t cnt = (uint16_t)(regs[PM1_CNT_OFF] | regs[PM1_CNT_OFF + 1] << 8);
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

	memset(vm->pm_regs, 0, sizeof(vm->pm_regs));
	vm->pm_regs[PM1_CNT_OFF] = PM1_CNT_SCI_EN;
	struct irq_line com1_irq = { vtx_pc_irq, vm, VTX_COM1_IRQ };
	uart_init(&vm->com1, &com1_irq, vtx_pc_tx, vm);
	if (bus_register(&vm->pio, "com1", VTX_COM1, 8, &vm->com1, &uart_bus_ops) < 0 ||
	    bus_register(&vm->pio, "i8042", VTX_I8042_CMD, 1, vm, &vtx_i8042_ops) < 0 ||
	    bus_register(&vm->pio, "acpi-pm", VTX_PM_BASE, VTX_PM_LEN, vm, &vtx_pm_ops) < 0)
		return -1;
	return 0;
}
