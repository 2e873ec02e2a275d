/*
 * sbi.c -- the SBI calls trapvisor answers (see sbi.h).  One table row per
 * extension; each handler reads its arguments from a0..a5 and returns the
 * SBI (error, value) pair.
 */
#include "isa-toy/sbi.h"

#include <stddef.h>

#define A0 10 /* register numbers of a0..a7 */
#define A1 11
#define A6 16
#define A7 17

struct sbi_ret {
	int32_t error;
	uint32_t value;
	int stop; /* the machine stopped */
};

typedef struct sbi_ret (*sbi_handler)(const struct sbi_platform *p, uint32_t fid,
				      const uint32_t *x);

static struct sbi_ret sbi_base(const struct sbi_platform *p, uint32_t fid, const uint32_t *x);

static struct sbi_ret sbi_time(const struct sbi_platform *p, uint32_t fid, const uint32_t *x)
{
	if (fid != 0)
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0, 0 };
	/* RV32: the 64-bit time arrives in a0 (low) and a1 (high). */
	p->set_timer(p->ctx, ((uint64_t)x[A1] << 32) | x[A0]);
	return (struct sbi_ret){ SBI_SUCCESS, 0, 0 };
}

static struct sbi_ret sbi_srst(const struct sbi_platform *p, uint32_t fid, const uint32_t *x)
{
	uint32_t type = x[A0], reason = x[A1];
	if (fid != 0)
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0, 0 };
	if (type > SBI_SRST_WARM_REBOOT)
		return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0, 0 };
	if (reason > SBI_SRST_REASON_FAILURE && reason < 0xe0000000u)
		return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0, 0 };
	p->reset(p->ctx, type, reason);
	return (struct sbi_ret){ SBI_SUCCESS, 0, 1 };
}

/* DBCN: the debug console.  write/read name a buffer by its *physical*
 * address (a1 low, a2 high), as SBI requires; we check it is all RAM. */
static struct sbi_ret sbi_dbcn(const struct sbi_platform *p, uint32_t fid, const uint32_t *x)
{
	uint32_t n = x[A0];
	uint64_t pa = ((uint64_t)x[A0 + 2] << 32) | x[A0 + 1];
	uint8_t buf[256];

	switch (fid) {
	case 0: { /* console_write(num_bytes, base_lo, base_hi) */
		uint32_t done = 0;
		while (done < n) {
			uint32_t chunk = n - done > sizeof(buf) ? sizeof(buf) : n - done;
			if (p->read_phys(p->ctx, pa + done, buf, chunk))
				return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, done, 0 };
			for (uint32_t i = 0; i < chunk; i++)
				p->putchar(p->ctx, buf[i]);
			done += chunk;
		}
		return (struct sbi_ret){ SBI_SUCCESS, done, 0 };
	}
	case 1: { /* console_read(num_bytes, base_lo, base_hi): non-blocking */
		uint32_t got = 0;
		int c;
		while (got < n && got < sizeof(buf) && (c = p->getchar(p->ctx)) >= 0)
			buf[got++] = (uint8_t)c;
		if (got && p->write_phys(p->ctx, pa, buf, got))
			return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0, 0 };
		return (struct sbi_ret){ SBI_SUCCESS, got, 0 };
	}
	case 2: /* console_write_byte(byte) */
		p->putchar(p->ctx, (uint8_t)x[A0]);
		return (struct sbi_ret){ SBI_SUCCESS, 0, 0 };
	}
	return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0, 0 };
}

static const struct {
	uint32_t eid;
	sbi_handler fn;
} sbi_extensions[] = {
	{ SBI_EXT_BASE, sbi_base },
	{ SBI_EXT_TIME, sbi_time },
	{ SBI_EXT_SRST, sbi_srst },
	{ SBI_EXT_DBCN, sbi_dbcn },
};
#define SBI_N_EXT (sizeof(sbi_extensions) / sizeof(sbi_extensions[0]))

static int sbi_legacy_known(uint32_t eid)
{
	return eid == SBI_EXT_LEGACY_SET_TIMER || eid == SBI_EXT_LEGACY_PUTCHAR ||
	       eid == SBI_EXT_LEGACY_GETCHAR || eid == SBI_EXT_LEGACY_SHUTDOWN;
}

static struct sbi_ret sbi_base(const struct sbi_platform *p, uint32_t fid, const uint32_t *x)
{
	(void)p;
	switch (fid) {
	case 0: return (struct sbi_ret){ SBI_SUCCESS, SBI_SPEC_VERSION, 0 };
	case 1: return (struct sbi_ret){ SBI_SUCCESS, SBI_IMPL_ID, 0 };
	case 2: return (struct sbi_ret){ SBI_SUCCESS, 1, 0 }; /* our version */
	case 3: { /* probe_extension(eid): nonzero if present */
		uint32_t eid = x[A0];
		for (size_t i = 0; i < SBI_N_EXT; i++)
			if (sbi_extensions[i].eid == eid)
				return (struct sbi_ret){ SBI_SUCCESS, 1, 0 };
		return (struct sbi_ret){ SBI_SUCCESS, sbi_legacy_known(eid) ? 1u : 0u, 0 };
	}
	case 4:
	case 5:
	case 6: /* mvendorid, marchid, mimpid: none */ return (struct sbi_ret){ SBI_SUCCESS, 0, 0 };
	}
	return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0, 0 };
}

int sbi_call(const struct sbi_platform *p, uint32_t *x)
{
	uint32_t eid = x[A7], fid = x[A6];

	/* The legacy extensions (SBI v0.1) return only a0. */
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		p->set_timer(p->ctx, ((uint64_t)x[A1] << 32) | x[A0]);
		x[A0] = 0;
		return 0;
	case SBI_EXT_LEGACY_PUTCHAR:
		p->putchar(p->ctx, (uint8_t)x[A0]);
		x[A0] = 0;
		return 0;
	case SBI_EXT_LEGACY_GETCHAR: x[A0] = (uint32_t)p->getchar(p->ctx); return 0;
	case SBI_EXT_LEGACY_SHUTDOWN:
		p->reset(p->ctx, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE);
		return -1;
	}
	for (size_t i = 0; i < SBI_N_EXT; i++) {
		if (sbi_extensions[i].eid != eid)
			continue;
		struct sbi_ret r = sbi_extensions[i].fn(p, fid, x);
		x[A0] = (uint32_t)r.error;
		x[A1] = r.value;
		return r.stop ? -1 : 0;
	}
	x[A0] = (uint32_t)SBI_ERR_NOT_SUPPORTED;
	x[A1] = 0;
	return 0;
}

int sbi_exit_status(uint32_t type, uint32_t reason)
{
	if (type != SBI_SRST_SHUTDOWN)
		return 0; /* a reboot request ends the run normally */
	if (reason == SBI_SRST_REASON_NONE)
		return 0;
	if ((reason & 0xf0000000u) == 0xf0000000u)
		return (int)(reason & 0xff);
	return 1;
}
