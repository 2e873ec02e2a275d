/* hello: console output through the SBI, legacy putchar and DBCN write. */
#include "tests/guest/rt.h"

static const char msg[] = "DBCN write\n";

void test_main(void)
{
	puts_("hello, TRV32\n");
	/* DBCN console_write(num_bytes, base_lo, base_hi): a physical buffer. */
	struct sbiret r = sbi(0x4442434e, 0, sizeof(msg) - 1, (long)(uintptr_t)msg, 0);
	puts_(r.error == 0 && r.value == sizeof(msg) - 1 ? "dbcn ok\n" : "dbcn BAD\n");
	sbi(0x4442434e, 2, '!', 0, 0); /* console_write_byte */
	putc_('\n');
}
