# labs/kvm/: lab kvm, x86 on KVM.  The solution is a program of its own,
# labs/kvm/minikvm.c (statically linked: tests/x86/run.sh runs it in the
# busybox L1 of the nested venue, and the starter's too).  The grader
# links the same source without its main (MINIKVM_NO_MAIN) and calls the
# steps one by one; step 4 also runs the program.
LAB_kvm_PROGRAM := labs/kvm/minikvm.c
LAB_kvm_OBJS    := $(B)/labs/kvm/minikvm-steps.o

$(B)/labs/kvm/minikvm: labs/kvm/minikvm.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $<

$(B)/labs/kvm/minikvm-steps.o: labs/kvm/minikvm.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -DMINIKVM_NO_MAIN -c -o $@ $<

ALL_TARGETS += $(B)/labs/kvm/minikvm

# Step 4 runs the program too: the grader needs it built.
$(B)/labs/bin/kvm: | $(B)/labs/kvm/minikvm
