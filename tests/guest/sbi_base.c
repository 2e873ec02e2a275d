/* sbi_base: the base extension and error returns. */
#include "tests/guest/rt.h"

void test_main(void)
{
	struct sbiret r = sbi(0x10, 0, 0, 0, 0); /* get_spec_version */
	puts_("spec ");
	puthex((uint32_t)r.value);
	r = sbi(0x10, 3, 0x4442434e, 0, 0); /* probe DBCN */
	puts_("\nprobe dbcn ");
	putdec((uint32_t)r.value);
	r = sbi(0x10, 3, 0x12345678, 0, 0); /* probe nonsense */
	puts_("\nprobe junk ");
	putdec((uint32_t)r.value);
	r = sbi(0x0abcdef0, 0, 0, 0, 0); /* unknown extension */
	puts_("\nunknown error ");
	putdec((uint32_t)-r.error);
	r = sbi(0x53525354, 0, 9, 0, 0); /* SRST with a bad type */
	puts_("\nbad reset error ");
	putdec((uint32_t)-r.error);
	putc_('\n');
}
