/* misaligned: TRV32 performs misaligned loads and stores byte by byte. */
#include "tests/guest/rt.h"

static uint8_t buf[16] = { 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87 };

void test_main(void)
{
	volatile uint32_t *w = (volatile uint32_t *)(buf + 1);
	volatile uint16_t *h = (volatile uint16_t *)(buf + 3);
	puthex(*w);
	putc_(' ');
	puthex(*h);
	*(volatile uint32_t *)(buf + 9) = 0xa1b2c3d4;
	putc_(' ');
	puthex(buf[9] | buf[10] << 8 | buf[11] << 16 | (uint32_t)buf[12] << 24);
	putc_('\n');
}
