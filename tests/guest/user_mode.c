/* user_mode: drop to U-mode with sret; an ecall and a privileged CSR
 * read from U-mode both trap back to S-mode with the right causes. */
#include "tests/guest/rt.h"

static void user_code(void)
{
	__asm__ volatile("li a7, 5\n ecall");	       /* a system call */
	__asm__ volatile("csrr a0, sstatus" ::: "a0"); /* sensitive: traps */
	for (;;)
		;
}

void trap_handler(uint32_t *regs)
{
	uint32_t cause = csr_read(scause);
	puts_("trap cause ");
	putdec(cause);
	puts_(" from ");
	puts_(csr_read(sstatus) & (1u << 8) ? "S" : "U");
	if (cause == 8) {
		puts_(" a7=");
		putdec(regs[17]);
		putc_('\n');
		csr_write(sepc, csr_read(sepc) + 4);
		return;
	}
	puts_(" stval ");
	puthex(csr_read(stval)); /* the instruction word: csrr a0, sstatus */
	putc_('\n');
	finish(0);
}

void test_main(void)
{
	csr_clear(sstatus, 1u << 8); /* SPP = U */
	csr_write(sepc, (uint32_t)(uintptr_t)user_code);
	__asm__ volatile("sret");
}
