/* locals_twin.S -- a local label `twin`, beside locals.c's global twin(). */
	.text
	.globl local_twin_call
local_twin_call:
twin:
	nop
spot:	/* local, alone at its address: symbolized as <spot> */
	ret
