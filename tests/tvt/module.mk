# tests/tvt/: TVT, the toy VT (isa-toy/tvt.h), on the tests/cpu hart:
# entry and exit, each control (CSR bitmaps, exception and interrupt
# bitmaps, wfi/sfence exiting, event injection), entry checks, and second-
# stage translation (faults with the guest-physical address, permissions,
# the 8-reference 2D walk, the VPID-tagged TLB).
#
#   make test-tvt      (binary: build/tests/bin/tvt)

$(eval $(call criterion_test,tvt,$(sort $(wildcard tests/tvt/*.c)) tests/cpu/harness.c))
