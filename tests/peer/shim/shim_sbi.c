/*
 * shim_sbi.c -- the SBI subset trapvisor's firmware offers, answered in
 * M-mode on QEMU: base, legacy console putchar/getchar, DBCN, TIME
 * set_timer and SRST.  Shutdown goes to QEMU's sifive test finisher,
 * whose code becomes QEMU's exit status, as on trapvisor's bare board.
 */
typedef unsigned int u32;

#define UART		     ((volatile unsigned char *)0x10000000)
#define UART_LSR	     5
#define UART_LSR_DR	     0x01
#define UART_LSR_THRE	     0x20
#define FINISHER	     ((volatile u32 *)0x00100000)
#define FINISHER_PASS	     0x5555
#define FINISHER_FAIL	     0x3333
#define FINISHER_RESET	     0x7777
#define SHIM_EXIT_UNEXPECTED 3 /* an M-mode trap that is not an SBI call */

#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define EID_PUTCHAR	      0x01
#define EID_GETCHAR	      0x02
#define EID_BASE	      0x10
#define EID_TIME	      0x54494D45
#define EID_SRST	      0x53525354
#define EID_DBCN	      0x4442434E

#define csr_read(csr)                                          \
	({                                                     \
		u32 v_;                                        \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)); \
		v_;                                            \
	})
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" : : "r"((u32)(v)))

void shim_handle(u32 *regs);

static void shim_putc(char c)
{
	while (!(UART[UART_LSR] & UART_LSR_THRE))
		;
	UART[0] = (unsigned char)c;
}

static int shim_getc(void)
{
	return (UART[UART_LSR] & UART_LSR_DR) ? UART[0] : -1;
}

static void shim_puts(const char *s)
{
	while (*s)
		shim_putc(*s++);
}

static void shim_puthex(u32 v)
{
	shim_puts("0x");
	for (int i = 28; i >= 0; i -= 4)
		shim_putc("0123456789abcdef"[(v >> i) & 15]);
}

static void shim_exit(u32 code)
{
	*FINISHER = code ? (FINISHER_FAIL | (code << 16)) : FINISHER_PASS;
	for (;;)
		;
}

static int shim_probe(u32 eid)
{
	return eid == EID_PUTCHAR || eid == EID_GETCHAR || eid == EID_BASE || eid == EID_TIME ||
	       eid == EID_SRST || eid == EID_DBCN;
}

/* shim_sbi: one SBI call; returns error, *value the value. */
static int shim_sbi(u32 eid, u32 fid, u32 *a, u32 *value)
{
	*value = 0;
	switch (eid) {
	case EID_PUTCHAR: shim_putc((char)a[0]); return 0;
	case EID_GETCHAR: return shim_getc(); /* legacy: the result is in a0 */
	case EID_BASE:
		if (fid == 0)
			*value = 0x02000000; /* spec version 2.0, the first with DBCN */
		else if (fid == 3)
			*value = shim_probe(a[0]);
		else if (fid > 6)
			return SBI_ERR_NOT_SUPPORTED;
		return 0;
	case EID_DBCN:
		if (fid == 0) { /* write(num, base_lo, base_hi), physical */
			if (a[2])
				return SBI_ERR_INVALID_PARAM;
			for (u32 i = 0; i < a[0]; i++)
				shim_putc(((const char *)a[1])[i]);
			*value = a[0];
			return 0;
		}
		if (fid == 1) { /* read(num, base_lo, base_hi) */
			u32 n = 0;
			int c;
			while (n < a[0] && (c = shim_getc()) >= 0)
				((char *)a[1])[n++] = (char)c;
			*value = n;
			return 0;
		}
		if (fid == 2) {
			shim_putc((char)a[0]);
			return 0;
		}
		return SBI_ERR_NOT_SUPPORTED;
	case EID_TIME:
		if (fid != 0)
			return SBI_ERR_NOT_SUPPORTED;
		csr_write(0x15D, 0xffffffff); /* stimecmph, then low, then high */
		csr_write(0x14D, a[0]);
		csr_write(0x15D, a[1]);
		return 0;
	case EID_SRST:
		if (fid != 0)
			return SBI_ERR_NOT_SUPPORTED;
		/* SBI 2.0, SRST: a reserved reset type (above 2) or reason
		 * (2 .. 0xDFFFFFFF) is an invalid parameter, not an
		 * unsupported one (that is for valid types not implemented). */
		if (a[0] > 2 || (a[1] > 1 && a[1] < 0xE0000000u))
			return SBI_ERR_INVALID_PARAM;
		if (a[0] != 0) { /* cold or warm reboot */
			*FINISHER = FINISHER_RESET;
			for (;;)
				;
		}
		/* Shutdown: reason 0 = success, 1 = system failure, vendor
		 * range 0xF0000000 | code = exit with code. */
		if (a[1] == 0)
			shim_exit(0);
		if (a[1] >= 0xF0000000u)
			shim_exit(a[1] & 0xff);
		shim_exit(1);
	}
	return SBI_ERR_NOT_SUPPORTED;
}

/* shim_handle: an M-mode trap; regs[i] holds xi as trapped. */
void shim_handle(u32 *regs)
{
	u32 mcause = csr_read(mcause);

	if (mcause != 9) { /* not an ecall from S-mode: nothing we expect */
		shim_puts("\nshim: unexpected M-mode trap, mcause ");
		shim_puthex(mcause);
		shim_puts(" mepc ");
		shim_puthex(csr_read(mepc));
		shim_puts(" mtval ");
		shim_puthex(csr_read(mtval));
		shim_puts("\n");
		shim_exit(SHIM_EXIT_UNEXPECTED);
	}
	u32 value, eid = regs[17], fid = regs[16];
	int err = shim_sbi(eid, fid, &regs[10], &value);
	regs[10] = (u32)err;
	if (eid != EID_PUTCHAR && eid != EID_GETCHAR)
		regs[11] = value; /* the legacy calls return only a0 */
	csr_write(mepc, csr_read(mepc) + 4);
}
