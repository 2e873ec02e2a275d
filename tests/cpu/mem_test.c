/*
 * mem_test.c -- loads and stores (unprivileged spec 2.6 "Load and Store
 * Instructions"), fences (2.7, Zifencei), misaligned accesses as TRV32
 * performs them, memory-mapped I/O through the bus, and self-modifying
 * code.
 */
#include <criterion/criterion.h>

#include "tests/cpu/harness.h"

TestSuite(mem, .init = th_setup, .fini = th_teardown);

/* Load the bytes 00 80 7f ff 01 80 ff 7f ... at TH_DATA. */
static void fill_data(void)
{
	static const uint8_t b[] = { 0x00, 0x80, 0x7f, 0xff, 0x01, 0x80, 0xff, 0x7f,
				     0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	for (uint32_t i = 0; i < sizeof(b); i++)
		th_put8(TH_DATA + i, b[i]);
}

struct lrow {
	enum insn_id id;
	int32_t off;
	uint32_t want;
};

/* lb/lh sign-extend, lbu/lhu zero-extend (2.6); offsets are signed. */
Test(mem, load_extension)
{
	static const struct lrow rows[] = {
		{ INSN_lb, 1, 0xffffff80 },  { INSN_lb, 2, 0x7f },	 { INSN_lb, 3, 0xffffffff },
		{ INSN_lbu, 1, 0x80 },	     { INSN_lbu, 3, 0xff },	 { INSN_lh, 0, 0xffff8000 },
		{ INSN_lh, 2, 0xffffff7f },  { INSN_lh, 6, 0x7fff },	 { INSN_lhu, 0, 0x8000 },
		{ INSN_lhu, 2, 0xff7f },     { INSN_lw, 0, 0xff7f8000 }, { INSN_lw, 4, 0x7fff8001 },
		{ INSN_lw, 12, 0x88776655 },
	};
	fill_data();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct lrow *r = &rows[i];
		/* base above the data and a negative offset, too */
		th_cpu.x[1] = TH_DATA;
		th_cpu.x[2] = TH_DATA + 0x100;
		uint32_t at =
		    TH_RUN(enc_i(r->id, 3, 1, r->off), enc_i(r->id, 4, 2, r->off - 0x100));
		cr_assert_eq(th_cpu.pc, at + 8);
		cr_expect_eq(th_cpu.x[3], r->want, "%s %d: %#x, expected %#x",
			     insn_table[r->id].mnemonic, r->off, th_cpu.x[3], r->want);
		cr_expect_eq(th_cpu.x[4], r->want, "%s with a negative offset",
			     insn_table[r->id].mnemonic);
	}
	th_assert_no_trap();
}

/* sb/sh/sw store the low 1/2/4 bytes of rs2 and nothing else. */
Test(mem, store_widths)
{
	for (uint32_t i = 0; i < 16; i++)
		th_put8(TH_DATA + i, 0xee);
	th_cpu.x[1] = TH_DATA + 8;
	th_cpu.x[2] = 0x12345678;
	TH_RUN(enc_s(INSN_sb, 1, 2, -8), enc_s(INSN_sh, 1, 2, -4), enc_s(INSN_sw, 1, 2, 0));
	static const uint8_t want[16] = { 0x78, 0xee, 0xee, 0xee, 0x78, 0x56, 0xee, 0xee,
					  0x78, 0x56, 0x34, 0x12, 0xee, 0xee, 0xee, 0xee };
	for (uint32_t i = 0; i < 16; i++)
		cr_expect_eq(th_get8(TH_DATA + i), want[i], "byte %u: %#x, expected %#x", i,
			     th_get8(TH_DATA + i), want[i]);
	th_assert_no_trap();
}

/* A load to x0 still happens (its side effects and exceptions, 2.6) but
 * x0 stays zero. */
Test(mem, load_to_x0_discarded)
{
	th_put32(TH_DATA, 0xcafef00d);
	th_cpu.x[1] = TH_DATA;
	TH_RUN(enc_i(INSN_lw, 0, 1, 0), enc_i(INSN_lbu, 0, 1, 0), enc_r(INSN_add, 5, 0, 0));
	cr_assert_eq(th_cpu.x[0], 0);
	cr_assert_eq(th_cpu.x[5], 0);
	th_assert_no_trap();
}

/* TRV32 performs misaligned loads and stores itself, byte by byte, in
 * little-endian order (the unprivileged spec 2.6 lets an EEI do so instead
 * of trapping; issue #2 chooses it).  Includes accesses that straddle a
 * word and a 4 KiB page in physical memory. */
Test(mem, misaligned_loads)
{
	fill_data();
	th_cpu.x[1] = TH_DATA;
	TH_RUN(enc_i(INSN_lw, 3, 1, 1), enc_i(INSN_lw, 4, 1, 3), enc_i(INSN_lh, 5, 1, 1),
	       enc_i(INSN_lh, 6, 1, 3), enc_i(INSN_lhu, 7, 1, 5), enc_i(INSN_lw, 8, 1, 2));
	cr_assert_eq(th_cpu.x[3], 0x01ff7f80);
	cr_assert_eq(th_cpu.x[4], 0xff8001ff);
	cr_assert_eq(th_cpu.x[5], 0x7f80, "lh at +1: bytes 80 7f");
	cr_assert_eq(th_cpu.x[6], 0x000001ff, "lh at +3: bytes ff 01");
	cr_assert_eq(th_cpu.x[7], 0xff80, "lhu at +5: bytes 80 ff");
	cr_assert_eq(th_cpu.x[8], 0x8001ff7f);

	uint32_t edge = TH_DATA + 0x1000; /* a page boundary */
	th_put32(edge - 4, 0x44332211);
	th_put32(edge, 0x88776655);
	th_cpu.x[1] = edge;
	TH_RUN(enc_i(INSN_lw, 3, 1, -1), enc_i(INSN_lw, 4, 1, -3), enc_i(INSN_lh, 5, 1, -1));
	cr_assert_eq(th_cpu.x[3], 0x77665544);
	cr_assert_eq(th_cpu.x[4], 0x55443322);
	cr_assert_eq(th_cpu.x[5], 0x5544);
	th_assert_no_trap();
}

Test(mem, misaligned_stores)
{
	for (uint32_t i = 0; i < 16; i++)
		th_put8(TH_DATA + i, 0);
	th_cpu.x[1] = TH_DATA;
	th_cpu.x[2] = 0xa1b2c3d4;
	TH_RUN(enc_s(INSN_sw, 1, 2, 1), enc_s(INSN_sh, 1, 2, 7), enc_s(INSN_sw, 1, 2, 10));
	static const uint8_t want[16] = { 0x00, 0xd4, 0xc3, 0xb2, 0xa1, 0x00, 0x00, 0xd4,
					  0xc3, 0x00, 0xd4, 0xc3, 0xb2, 0xa1, 0x00, 0x00 };
	for (uint32_t i = 0; i < 16; i++)
		cr_expect_eq(th_get8(TH_DATA + i), want[i], "byte %u: %#x, expected %#x", i,
			     th_get8(TH_DATA + i), want[i]);

	uint32_t edge = TH_DATA + 0x1000;
	th_put32(edge - 4, 0);
	th_put32(edge, 0);
	th_cpu.x[1] = edge;
	TH_RUN(enc_s(INSN_sw, 1, 2, -2));
	cr_assert_eq(th_get32(edge - 4), 0xc3d40000);
	cr_assert_eq(th_get32(edge), 0x0000a1b2);
	th_assert_no_trap();
}

/* fence (any predecessor/successor set, and fence.tso) and fence.i only
 * order memory: on one in-order hart they change no register and fall
 * through (2.7, Zifencei). */
Test(mem, fences_are_no_ops)
{
	for (int r = 1; r < 32; r++)
		th_cpu.x[r] = 0x1000u * (uint32_t)r;
	uint32_t before[32];
	for (int r = 0; r < 32; r++)
		before[r] = th_cpu.x[r];
	uint32_t at = TH_RUN(0x0ff0000f /* fence iorw,iorw */, 0x8330000f /* fence.tso */,
			     0x0000000f /* fence 0,0 */, enc_sys(INSN_fence_i));
	cr_assert_eq(th_cpu.pc, at + 16);
	for (int r = 0; r < 32; r++)
		cr_assert_eq(th_cpu.x[r], before[r], "x%d changed", r);
	cr_assert_eq(th_cpu.csr.instret, 4, "fences retire like any instruction");
	th_assert_no_trap();
}

/* Self-modifying code: after a store to an instruction and a fence.i,
 * the hart fetches the new instruction (Zifencei).  Here the patched
 * instruction has already run once (so any predecoded copy is stale). */
static void check_patch_and_rerun(bool with_fence_i, enum insn_id store)
{
	uint32_t at = TH_PROG(enc_i(INSN_addi, 7, 7, 1), /* 0: patched to +100 */
			      enc_b(INSN_bne, 8, 0, 20), /* 1: second pass: to 6 */
			      enc_i(INSN_addi, 8, 0, 1), /* 2 */
			      store == INSN_sw ? enc_s(INSN_sw, 6, 5, 0)
					       : enc_amo(INSN_amoswap_w, 9, 6, 5), /* 3: patch 0 */
			      with_fence_i ? enc_sys(INSN_fence_i) : ENC_NOP,	   /* 4 */
			      enc_j(INSN_jal, 0, -20),				   /* 5: to 0 */
			      ENC_LOOP);					   /* 6 */
	th_cpu.x[5] = enc_i(INSN_addi, 7, 7, 100);
	th_cpu.x[6] = at;
	th_run(8); /* 0 1 2 3 4 5, then 0 (new) 1 */
	cr_assert_eq(th_get32(at), enc_i(INSN_addi, 7, 7, 100), "the store reached memory");
	cr_assert_eq(th_cpu.x[7], 101, "first pass +1, second pass must run the new +100");
	cr_assert_eq(th_cpu.pc, at + 24);
	th_assert_no_trap();
}

Test(mem, self_modifying_code_with_fence_i)
{
	check_patch_and_rerun(true, INSN_sw);
}

/* TRV32 (issue #2) invalidates predecoded code on any write to its page,
 * so the patch takes effect even without fence.i -- for plain stores and
 * for AMOs alike. */
Test(mem, self_modifying_code_without_fence_i)
{
	check_patch_and_rerun(false, INSN_sw);
}

Test(mem, self_modifying_code_by_amo)
{
	check_patch_and_rerun(true, INSN_amoswap_w);
}

/* The patched instruction is the very next one after the store. */
Test(mem, self_modifying_next_instruction)
{
	uint32_t at = TH_PROG(enc_s(INSN_sw, 6, 5, 4), enc_i(INSN_addi, 7, 0, 1));
	th_cpu.x[5] = enc_i(INSN_addi, 7, 0, 2);
	th_cpu.x[6] = at;
	th_run(2);
	cr_assert_eq(th_cpu.x[7], 2, "TRV32: a store invalidates the code of its page");

	at = TH_PROG(enc_s(INSN_sw, 6, 5, 8), enc_sys(INSN_fence_i), enc_i(INSN_addi, 7, 0, 1));
	th_cpu.x[5] = enc_i(INSN_addi, 7, 0, 3);
	th_cpu.x[6] = at;
	th_run(3);
	cr_assert_eq(th_cpu.x[7], 3, "Zifencei: fetches after fence.i see the store");
	th_assert_no_trap();
}

/* --- memory-mapped I/O: a device on the bus sees offset and size --- */

#define DEV_BASE 0x10000000u

struct fake_dev {
	uint8_t mem[256];
	int reads, writes;
	uint64_t last_off;
	unsigned last_size;
};

static enum bus_status fake_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct fake_dev *d = opaque;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)d->mem[(off + i) & 255] << (8 * i);
	*val = v;
	d->reads++;
	d->last_off = off;
	d->last_size = size;
	return BUS_OK;
}

static enum bus_status fake_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct fake_dev *d = opaque;
	for (unsigned i = 0; i < size; i++)
		d->mem[(off + i) & 255] = (uint8_t)(val >> (8 * i));
	d->writes++;
	d->last_off = off;
	d->last_size = size;
	return BUS_OK;
}

static const struct bus_ops fake_ops = { fake_read, fake_write };
static struct fake_dev dev;

Test(mem, mmio_loads_and_stores)
{
	cr_assert_eq(bus_register(&th_bus, "fake", DEV_BASE, 256, &dev, &fake_ops), 0);
	dev.mem[0x10] = 0x80;
	dev.mem[0x11] = 0xff;
	th_cpu.x[1] = DEV_BASE;
	th_cpu.x[2] = 0xdeadbeef;
	TH_RUN(enc_i(INSN_lb, 3, 1, 0x10), enc_i(INSN_lbu, 4, 1, 0x10), enc_i(INSN_lh, 5, 1, 0x10));
	cr_assert_eq(th_cpu.x[3], 0xffffff80);
	cr_assert_eq(th_cpu.x[4], 0x80);
	cr_assert_eq(th_cpu.x[5], 0xffffff80);
	cr_assert_eq(dev.last_off, 0x10);
	cr_assert_eq(dev.last_size, 2);

	TH_RUN(enc_s(INSN_sw, 1, 2, 0x20));
	cr_assert_eq(dev.writes, 1);
	cr_assert_eq(dev.last_off, 0x20);
	cr_assert_eq(dev.last_size, 4);
	cr_assert_eq(dev.mem[0x20] | (uint32_t)dev.mem[0x23] << 24, 0xde0000ef);

	TH_RUN(enc_s(INSN_sb, 1, 2, 0x31));
	cr_assert_eq(dev.last_size, 1);
	cr_assert_eq(dev.mem[0x31], 0xef);
	cr_assert_eq(dev.mem[0x32], 0);
	th_assert_no_trap();
}

/* A load into x0 from a device still performs the read (2.6: "loads with
 * a destination of x0 must still raise any exceptions and cause any other
 * side effects"). */
Test(mem, mmio_load_to_x0_still_reads)
{
	cr_assert_eq(bus_register(&th_bus, "fake", DEV_BASE, 256, &dev, &fake_ops), 0);
	th_cpu.x[1] = DEV_BASE;
	TH_RUN(enc_i(INSN_lw, 0, 1, 8));
	cr_assert_eq(dev.reads, 1, "the device saw the read");
	cr_assert_eq(dev.last_off, 8);
	cr_assert_eq(th_cpu.x[0], 0);
}
