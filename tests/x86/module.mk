# tests/x86/: the x86 backend under nested virtualization (QEMU TCG with
# AMD-V emulated, Debian's kernel and kvm modules in L1, trapvisor in L1
# booting the same kernel as L2).  See tests/x86/run.sh.
test-x86: $(B)/trapvisor $(B)/x86/explore.bin
	$(Q)tests/x86/run.sh
TEST_TARGETS += test-x86

# Host unit tests of the pure parts (no /dev/kvm needed), and a tiny
# hand-made bzImage booted where /dev/kvm opens (skipped elsewhere).
$(eval $(call criterion_test,x86-unit,tests/x86/x86_unit.c tests/guest/runner.c,$(B)/trapvisor))

# The same test under Bochs (VT-x semantics, kvm-intel in L1): about 3-4
# minutes on a 2-core machine, so it runs in `make test` too.  Needs bochs
# bochs-term bochsbios vgabios isolinux syslinux-common xorriso (deps.sh).
test-x86-vtx: $(B)/trapvisor $(B)/x86/explore.bin
	$(Q)tests/x86/run.sh --venue bochs
TEST_TARGETS += test-x86-vtx
