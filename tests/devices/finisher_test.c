/*
 * finisher_test.c -- the sifive,test0 finisher: which writes end the run
 * and with what status.
 */
#include <criterion/criterion.h>

#include "devices/finisher.h"

static struct finisher fin;
static int calls, last_code;

static void on_exit_record(void *ctx, int code)
{
	cr_assert_eq(ctx, &calls, "on_exit gets the context given to finisher_init");
	calls++;
	last_code = code;
}

static void setup(void)
{
	calls = 0;
	last_code = -1;
	finisher_init(&fin, on_exit_record, &calls);
}

static enum bus_status wr(uint64_t off, unsigned size, uint32_t v)
{
	return finisher_bus_ops.write(&fin, off, size, v);
}

TestSuite(finisher, .init = setup);

Test(finisher, pass_exits_zero)
{
	cr_assert_eq(wr(0, 4, FINISHER_PASS), BUS_OK);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_code, 0);
}

Test(finisher, fail_carries_the_code)
{
	cr_assert_eq(wr(0, 4, FINISHER_FAIL | 3u << 16), BUS_OK);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_code, 3);
	cr_assert_eq(wr(0, 4, FINISHER_FAIL | 0xffffu << 16), BUS_OK);
	cr_assert_eq(last_code, 0xffff, "all 16 bits of the code");
	cr_assert_eq(wr(0, 4, FINISHER_FAIL), BUS_OK);
	cr_assert_eq(last_code, 0, "FAIL with code 0");
	cr_assert_eq(calls, 3);
}

Test(finisher, reset_exits_zero)
{
	cr_assert_eq(wr(0, 4, FINISHER_RESET | 7u << 16), BUS_OK);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_code, 0);
}

Test(finisher, other_values_ignored)
{
	uint32_t junk[] = { 0, 1, 0x1234, 0x5554, 0x3334 | 1u << 16, 0xffffffff, 0x55550000 };
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		cr_assert_eq(wr(0, 4, junk[i]), BUS_OK, "value %#x", junk[i]);
	cr_assert_eq(wr(4, 4, FINISHER_PASS), BUS_OK, "another offset: ignored");
	cr_assert_eq(calls, 0);
}

Test(finisher, only_word_writes)
{
	cr_assert_eq(wr(0, 1, FINISHER_PASS), BUS_FAULT);
	cr_assert_eq(wr(0, 2, FINISHER_PASS), BUS_FAULT);
	cr_assert_eq(wr(0, 8, FINISHER_PASS), BUS_FAULT);
	cr_assert_eq(calls, 0);
}

Test(finisher, reads_zero)
{
	uint64_t v = 99;
	cr_assert_eq(finisher_bus_ops.read(&fin, 0, 4, &v), BUS_OK);
	cr_assert_eq(v, 0);
	v = 99;
	cr_assert_eq(finisher_bus_ops.read(&fin, 8, 1, &v), BUS_OK);
	cr_assert_eq(v, 0);
}

Test(finisher, on_the_bus)
{
	struct bus bus;
	bus_init(&bus);
	cr_assert_eq(bus_register(&bus, "finisher", BOARD_FINISHER_BASE, BOARD_FINISHER_SIZE, &fin,
				  &finisher_bus_ops),
		     0);
	cr_assert_eq(bus_write(&bus, BOARD_FINISHER_BASE, 4, FINISHER_FAIL | 42u << 16), BUS_OK);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_code, 42);
}

Test(finisher, no_callback)
{
	struct finisher f;
	finisher_init(&f, NULL, NULL);
	cr_assert_eq(finisher_bus_ops.write(&f, 0, 4, FINISHER_PASS), BUS_OK);
}
