# tests/cpu/: Criterion unit tests of the TRV32 hart (isa-toy/), written
# from the RISC-V unprivileged and privileged specs: every RV32IMA
# instruction with its edge cases, Zicsr and the S-mode CSRs, traps and
# interrupts, and the Sv32 MMU with its TLB.
#
#   make test-cpu             build and run them
#   ./build/tests/bin/cpu --list  the tests; --filter 'sv32/*' runs a suite
#
# harness.{h,c} hold the fresh-hart fixture and the instruction encoders.

$(eval $(call criterion_test,cpu,$(sort $(wildcard tests/cpu/*.c))))
