/*
 * acpi.c -- the smallest set of ACPI tables that tells Linux how this PC
 * is wired.  Why ACPI and not an Intel MP table: Debian's kernels are built
 * without CONFIG_X86_MPPARSE, so an MP table is never even looked at.  With
 * neither, Linux finds no IOAPIC ("skipped IO-APIC setup") and no
 * power-off method; see docs/x86.md for what that does to a boot.
 *
 *   RSDP (0xe0000) "RSD PTR ", revision 2 -> XSDT
 *   XSDT  -> FADT, MADT
 *   FADT  fixed hardware: SCI on IRQ 9, PM1a event/control blocks at port
 *         0x600, no SMI command port (ACPI is always on); -> FACS, DSDT
 *   DSDT  AML: \_S5_, the sleep type for "soft off", and one Device per
 *         virtio-mmio window (_HID "LNRO0005", its registers and GSI)
 *   MADT  "APIC": one local APIC per vCPU, the IOAPIC at 0xfec00000 with
 *         GSIs 0-23, and the SCI as level-triggered, active high
 *
 * Every table starts with the same 36-byte header, and the bytes of each
 * table (the RSDP: its first 20, then all 36) must sum to 0 mod 256.
 */
#include "x86-vtx/boot.h"

#include <stdio.h>
#include <string.h>

#include "x86-vtx/layout.h"

/* Offsets of each table inside the ACPI area, 64-byte aligned (FACS must be). */
#define ACPI_RSDP_OFF 0x000
#define ACPI_XSDT_OFF 0x040
#define ACPI_FADT_OFF 0x080
#define ACPI_FACS_OFF 0x1c0
#define ACPI_DSDT_OFF 0x200
#define ACPI_MADT_OFF 0x800

#define ACPI_HDR_LEN 36
#define FADT_LEN     276 /* revision 6 */
#define FACS_LEN     64

/* A little writer: values go little-endian at an offset of a buffer. */
static void put8(uint8_t *p, size_t off, uint8_t v)
{
	p[off] = v;
}
static void put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, size_t off, uint32_t v)
{
	put16(p, off, (uint16_t)v);
	put16(p, off + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, size_t off, uint64_t v)
{
	put32(p, off, (uint32_t)v);
	put32(p, off + 4, (uint32_t)(v >> 32));
}

static uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)(0 - sum);
}

/* The common header: signature, length, revision, checksum (offset 9,
 * filled last), OEM id and table id, creator. */
static void acpi_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t, 4, len);
	put8(t, 8, rev);
	memcpy(t + 10, "TRAPVS", 6);
	memcpy(t + 16, "TRAPVISR", 8);
	put32(t, 24, 1);	   /* OEM revision */
	memcpy(t + 28, "TRVS", 4); /* creator id */
	put32(t, 32, 1);	   /* creator revision */
}

static void acpi_finish(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = acpi_checksum(t, len);
}

/* FADT: offsets from the ACPI spec, table 5.9 ("Fixed ACPI Description
 * Table"). */
static void acpi_fadt(uint8_t *t, uint64_t facs, uint64_t dsdt)
{
	acpi_header(t, "FACP", FADT_LEN, 6);
	put32(t, 36, (uint32_t)facs);  /* FIRMWARE_CTRL */
	put32(t, 40, (uint32_t)dsdt);  /* DSDT */
	put16(t, 46, VTX_SCI_IRQ);     /* SCI_INT: the ACPI event interrupt */
	put32(t, 48, 0);	       /* SMI_CMD = 0: no SMM, ACPI mode is fixed */
	put32(t, 56, VTX_PM_BASE);     /* PM1a_EVT_BLK: status + enable */
	put32(t, 64, VTX_PM_BASE + 4); /* PM1a_CNT_BLK: SCI_EN, SLP_TYP, SLP_EN */
	put8(t, 88, 4);		       /* PM1_EVT_LEN */
	put8(t, 89, 2);		       /* PM1_CNT_LEN */
	/* PM_TMR_LEN = 0: no ACPI PM timer (Linux uses the TSC and kvmclock) */
	/* IAPC_BOOT_ARCH: bit 2 "VGA not present", bit 5 "CMOS RTC not
	 * present"; bit 1 (8042) clear, so Linux does not probe a keyboard. */
	put16(t, 109, (1 << 2) | (1 << 5));
	/* Flags: WBINVD works (bit 0); the power and sleep buttons are not
	 * fixed hardware (bits 4, 5). */
	put32(t, 112, (1u << 0) | (1u << 4) | (1u << 5));
	put64(t, 132, facs); /* X_FIRMWARE_CTRL */
	put64(t, 140, dsdt); /* X_DSDT */
	acpi_finish(t, FADT_LEN);
}

/* FACS: the firmware/OS shared page (waking vector, global lock).  It has
 * no checksum and no standard header, just a signature and length. */
static void acpi_facs(uint8_t *t)
{
	memcpy(t, "FACS", 4);
	put32(t, 4, FACS_LEN);
	put8(t, 32, 2); /* version */
}

/* AML's PkgLength (ACPI 6.5, 20.2.4): the length of a package *including
 * the PkgLength bytes themselves*, in 1 byte below 64, else 2 bytes (low
 * nibble in the first, the rest in the second; up to 4095).  Writes it at
 * p and returns how many bytes it took. */
static size_t aml_pkglen(uint8_t *p, size_t body)
{
	if (body + 1 < 64) {
		p[0] = (uint8_t)(body + 1);
		return 1;
	}
	size_t len = body + 2;
	p[0] = (uint8_t)(0x40 | (len & 0xf));
	p[1] = (uint8_t)(len >> 4);
	return 2;
}

/* Wrap the `body` bytes already at p + 5 (room left for an opcode of up
 * to 2 bytes and a 2-byte PkgLength) with `op` and its PkgLength, moving
 * the body down if the header is shorter.  Returns the total length. */
static size_t aml_wrap(uint8_t *p, const uint8_t *op, size_t oplen, size_t body)
{
	uint8_t hdr[5];
	memcpy(hdr, op, oplen);
	size_t h = oplen + aml_pkglen(hdr + oplen, body);
	memmove(p + h, p + 5, body);
	memcpy(p, hdr, h);
	return h + body;
}

/*
 * One virtio-mmio device, as QEMU's microvm machine describes it:
 *
 *   Device (VRnn) {
 *     Name (_HID, "LNRO0005")          // Linux's virtio_mmio binds this id
 *     Name (_UID, nn)
 *     Name (_CRS, ResourceTemplate () {
 *       Memory32Fixed (ReadWrite, base, 0x1000)
 *       Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { gsi }
 *     })
 *   }
 */
static size_t acpi_virtio_device(uint8_t *p, int i)
{
	uint8_t *b = p + 5; /* the body, wrapped at the end */
	size_t o = 0;
	b[o++] = 'V';
	b[o++] = 'R';
	b[o++] = (uint8_t)('0' + i / 10);
	b[o++] = (uint8_t)('0' + i % 10);
	memcpy(b + o, "\x08_HID\x0dLNRO0005", 15); /* NameOp, StringPrefix, NUL */
	o += 15;
	memcpy(b + o, "\x08_UID\x0a", 6); /* NameOp, BytePrefix */
	o += 6;
	b[o++] = (uint8_t)i;
	/* The resource template: two descriptors and an end tag. */
	uint8_t crs[23];
	crs[0] = 0x86; /* Memory32Fixed, 9 bytes follow */
	put16(crs, 1, 9);
	crs[3] = 1; /* read-write */
	put32(crs, 4, (uint32_t)(VTX_VIRTIO_MMIO + (uint64_t)i * VTX_VIRTIO_SIZE));
	put32(crs, 8, (uint32_t)VTX_VIRTIO_SIZE);
	crs[12] = 0x89; /* Extended Interrupt, 6 bytes follow */
	put16(crs, 13, 6);
	crs[15] = 0x01; /* consumer; level (bit 1 = 0); active high (bit 2 = 0); exclusive */
	crs[16] = 1;	/* one interrupt number */
	put32(crs, 17, (uint32_t)(VTX_VIRTIO_GSI + i));
	crs[21] = 0x79;		      /* End Tag */
	crs[22] = 0;		      /* checksum 0: "treat as correct" */
	memcpy(b + o, "\x08_CRS", 5); /* NameOp */
	o += 5;
	uint8_t *buf = b + o; /* BufferOp PkgLength BufferSize bytes */
	buf[5] = 0x0a;	      /* BytePrefix: the size */
	buf[6] = sizeof(crs);
	memcpy(buf + 7, crs, sizeof(crs));
	o += aml_wrap(buf, (const uint8_t *)"\x11", 1, 2 + sizeof(crs));
	return aml_wrap(p, (const uint8_t *)"\x5b\x82", 2, o); /* DeviceOp */
}

/* DSDT: AML byte code.  First Name (\_S5_, Package () {5, 5, 0, 0}): the
 * value Linux writes to PM1_CNT.SLP_TYP to enter S5, soft off.  Then
 * Scope (\_SB) { the virtio-mmio devices }. */
static uint32_t acpi_dsdt(uint8_t *t, int nvirtio)
{
	static const uint8_t s5[] = {
		0x08, '_',  'S',  '5', '_', /* NameOp "_S5_" */
		0x12, 0x07, 0x04,	    /* PackageOp, PkgLength 7, 4 elements */
		0x0a, 0x05,		    /* BytePrefix 5: SLP_TYPa */
		0x0a, 0x05,		    /* BytePrefix 5: SLP_TYPb */
		0x00, 0x00,		    /* ZeroOp, ZeroOp: reserved */
	};
	uint32_t len = ACPI_HDR_LEN;
	memcpy(t + len, s5, sizeof(s5));
	len += sizeof(s5);
	if (nvirtio > 0) {
		uint8_t *scope = t + len;
		size_t o = 5;
		memcpy(scope + o, "\\_SB_", 5); /* RootChar, NameSeg */
		o += 5;
		for (int i = 0; i < nvirtio; i++)
			o += acpi_virtio_device(scope + o, i);
		len += (uint32_t)aml_wrap(scope, (const uint8_t *)"\x10", 1, o - 5); /* ScopeOp */
	}
	acpi_header(t, "DSDT", len, 2);
	acpi_finish(t, len);
	return len;
}

/* MADT: the interrupt controllers.  Entry types used: 0 processor local
 * APIC (8 bytes), 1 IOAPIC (12), 2 interrupt source override (10). */
static uint32_t acpi_madt(uint8_t *t, int ncpus)
{
	size_t o = ACPI_HDR_LEN;
	put32(t, o, (uint32_t)VTX_LAPIC); /* local APIC address */
	put32(t, o + 4, 1);		  /* PCAT_COMPAT: there are 8259s too */
	o += 8;
	for (int i = 0; i < ncpus; i++, o += 8) {
		put8(t, o, 0);
		put8(t, o + 1, 8);
		put8(t, o + 2, (uint8_t)i); /* ACPI processor UID */
		put8(t, o + 3, (uint8_t)i); /* APIC id, as in CPUID (vcpu.c) */
		put32(t, o + 4, 1);	    /* enabled */
	}
	put8(t, o, 1);
	put8(t, o + 1, 12);
	put8(t, o + 2, (uint8_t)ncpus); /* IOAPIC id: after the CPUs' */
	put32(t, o + 4, (uint32_t)VTX_IOAPIC);
	put32(t, o + 8, 0); /* its pins are GSIs 0..23 */
	o += 12;
	/* ISA IRQ n is GSI n (KVM's default routing wires IRQ 0 to IOAPIC
	 * pin 0, not pin 2 as most PCs do, so no override for the timer).
	 * Only the SCI needs one: level-triggered, active high. */
	put8(t, o, 2);
	put8(t, o + 1, 10);
	put8(t, o + 2, 0);	      /* bus: ISA */
	put8(t, o + 3, VTX_SCI_IRQ);  /* source IRQ */
	put32(t, o + 4, VTX_SCI_IRQ); /* GSI */
	put16(t, o + 8, 0x000d);      /* polarity 01 = high, trigger 11 = level */
	o += 10;
	acpi_header(t, "APIC", (uint32_t)o, 3);
	acpi_finish(t, (uint32_t)o);
	return (uint32_t)o;
}

uint64_t vtx_acpi_build(struct vtx_vm *vm)
{
	uint8_t *a = vtx_gpa_to_hva(vm, VTX_ACPI, VTX_ACPI_END - VTX_ACPI);
	if (!a || vm->ncpus > 32) {
		fprintf(stderr, "x86: no room for the ACPI tables\n");
		return 0;
	}
	memset(a, 0, 0x1000);
	acpi_fadt(a + ACPI_FADT_OFF, VTX_ACPI + ACPI_FACS_OFF, VTX_ACPI + ACPI_DSDT_OFF);
	acpi_facs(a + ACPI_FACS_OFF);
	acpi_dsdt(a + ACPI_DSDT_OFF, vm->nvirtio);
	acpi_madt(a + ACPI_MADT_OFF, vm->ncpus);

	uint8_t *x = a + ACPI_XSDT_OFF; /* XSDT: a header and 64-bit pointers */
	acpi_header(x, "XSDT", ACPI_HDR_LEN + 2 * 8, 1);
	put64(x, ACPI_HDR_LEN, VTX_ACPI + ACPI_FADT_OFF);
	put64(x, ACPI_HDR_LEN + 8, VTX_ACPI + ACPI_MADT_OFF);
	acpi_finish(x, ACPI_HDR_LEN + 2 * 8);

	uint8_t *r = a + ACPI_RSDP_OFF; /* RSDP, ACPI 2.0 form (36 bytes) */
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "TRAPVS", 6);
	put8(r, 15, 2);				/* revision 2: has an XSDT */
	put32(r, 20, 36);			/* length */
	put64(r, 24, VTX_ACPI + ACPI_XSDT_OFF); /* XSDT address */
	put8(r, 8, acpi_checksum(r, 20));	/* over the ACPI 1.0 part */
	put8(r, 32, acpi_checksum(r, 36));	/* over all of it */
	return VTX_ACPI + ACPI_RSDP_OFF;
}
