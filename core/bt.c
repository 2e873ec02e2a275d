/*
 * bt.c -- the binary translator (bt.h).  A page of TRV32 code needs no
 * real translation: instructions are fixed-size and position-independent
 * for our purpose, so the "translation" is a copy in which each
 * non-trapping sensitive instruction is replaced, word for word, by a
 * trapping one.  (x86 translators must do far more: variable-length
 * instructions, and code that must be re-laid out.)
 */
#include "core/bt.h"

#include "core/vm.h"

bool bt_sensitive(uint32_t w)
{
	/* LAB pushf step 1 BEGIN: which instructions must be rewritten */
	enum insn_id id = insn_decode(w);
	if (insn_table[id].format != INSN_FMT_CSR && insn_table[id].format != INSN_FMT_CSRI)
		return false;
	if (insn_csr(w) != CSR_sstatus)
		return false;
	/* csrrw/csrrwi: a plain write (POPF).  csrrs/csrrc with no bits to
	 * set or clear: a plain read (PUSHF).  Both pass the legacy machine
	 * without a trap; set/clear with bits (CLI/STI) trap by themselves. */
	bool is_write = id == INSN_csrrw || id == INSN_csrrwi;
	return is_write || insn_rs1(w) == 0;
	/* LAB STUB */
	//| /* Not written yet: nothing is rewritten; bt is trap mode. */
	//| (void)w;
	//| return false;
	/* LAB END */
}

unsigned bt_rewrite(void *ctx, uint32_t *words, uint32_t gpage)
{
	struct vm *vm = ctx;
	unsigned n = 0;
	(void)gpage;
	/* LAB pushf step 2 BEGIN: rewrite a copy of a code page */
	for (int i = 0; i < 1024; i++) {
		if (bt_sensitive(words[i])) {
			words[i] = BT_MARKER;
			n++;
		}
	}
	/* LAB STUB */
	//| /* Not written yet: the copy runs as it is. */
	//| (void)words;
	/* LAB END */
	vm->stats.bt_rewritten += n;
	return n;
}

int bt_original(struct vm *vm, uint32_t pc, uint32_t *w)
{
	uint64_t gpa;
	const struct csr_file *c = &vm->vcpu.csr;
	if (spt_guest_translate(&vm->spt, pc, ACCESS_EXEC, c->priv, c->sstatus, &gpa))
		return -1;
	return vm_read_phys(vm, gpa, w, 4);
}
