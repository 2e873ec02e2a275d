# tests/x86/: the x86 backend under nested virtualization (QEMU TCG with
# AMD-V emulated, Debian's kernel and kvm modules in L1, trapvisor in L1
# booting the same kernel as L2).  See tests/x86/run.sh.
test-x86: $(B)/trapvisor $(B)/x86/explore.bin $(B)/tests/x86/tinybz $(B)/labs/kvm/minikvm \
	$(B)/tests/x86/ptydrive
	$(Q)tests/x86/run.sh
TEST_TARGETS += test-x86

# `tinybz OUTS FILE` writes the tiny hand-made bzImage of tinybz.h, which
# the unit tests boot on the host's /dev/kvm and run.sh boots in L1.
$(B)/tests/x86/tinybz: $(B)/tests/x86/tinybz_main.o $(B)/tests/x86/tinybz.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
ALL_TARGETS += $(B)/tests/x86/tinybz

# `ptydrive SECONDS expect:TEXT send:TEXT ... -- COMMAND`: types into a
# command on a pseudo-terminal (run.sh: into L2's shell through
# trapvisor's console).
$(B)/tests/x86/ptydrive: $(B)/tests/x86/ptydrive.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
ALL_TARGETS += $(B)/tests/x86/ptydrive

# Host unit tests of the pure parts (no /dev/kvm needed), and a tiny
# hand-made bzImage booted where /dev/kvm opens (run.sh boots it in L1 too).
$(eval $(call criterion_test,x86-unit,tests/x86/x86_unit.c tests/x86/tinybz.c \
	tests/guest/runner.c,$(B)/trapvisor))

# The same test under Bochs (VT-x semantics, kvm-intel in L1): about 3-4
# minutes on a 2-core machine, so it runs in `make test` too.  Needs bochs
# bochs-term bochsbios vgabios isolinux syslinux-common xorriso (deps.sh).
test-x86-vtx: $(B)/trapvisor $(B)/x86/explore.bin $(B)/tests/x86/tinybz \
	$(B)/labs/kvm/minikvm $(B)/tests/x86/ptydrive
	$(Q)tests/x86/run.sh --venue bochs
TEST_TARGETS += test-x86-vtx
