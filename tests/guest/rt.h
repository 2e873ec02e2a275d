/*
 * rt.h -- the tiny runtime of the one-feature guest programs: CSR access,
 * SBI calls, printing, and ending through the test finisher.  Each
 * program is one C file with `void test_main(void)`; crt0.S starts it in
 * S-mode with a stack and a trap vector that calls `trap_handler`.
 */
#ifndef TESTS_GUEST_RT_H
#define TESTS_GUEST_RT_H

#include <stdint.h>

#define csr_read(csr)                                          \
	({                                                     \
		uint32_t v_;                                   \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)); \
		v_;                                            \
	})
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"(v))
#define csr_set(csr, v)	  __asm__ volatile("csrs " #csr ", %0" ::"r"(v))
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"r"(v))

#define FINISHER ((volatile uint32_t *)0x00100000)
#define UART	 ((volatile uint8_t *)0x10000000)
#define PLIC	 ((volatile uint32_t *)0x0c000000)

struct sbiret {
	long error, value;
};

static inline struct sbiret sbi(long eid, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid, r7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ r0, r1 };
}

void putc_(char c);
void puts_(const char *s);
void puthex(uint32_t v);
void putdec(uint32_t v);
_Noreturn void finish(int code);

/* Set by a program that takes traps: called from crt0's vector with the
 * saved registers; return to sepc (the handler may change sepc). */
void trap_handler(uint32_t *regs);
void test_main(void);

#endif
