# isa-toy/guests/: the teaching guest kernel and its user programs, built
# with the RISC-V cross compiler (freestanding, no libc).
#
#   build/guests/kernel.elf        the kernel, user programs embedded
#   build/guests/kernel-pv.elf     the same kernel built PARAVIRT=1 (for
#                                  trapvisor --mode=pv): the same sources
#                                  compiled with -DPARAVIRT into
#                                  build/guests/pv/, the same programs
#   build/guests/user/NAME.elf     each user program (with symbols)
#
# The programs are listed once, in isa-toy/guests/user/programs.def.

GUESTS_DIR    := isa-toy/guests
GUESTS_B      := $(B)/guests
GUESTS_OBJCOPY:= $(RV_PREFIX)objcopy
GUESTS_CFLAGS := $(RV_CFLAGS) -I$(GUESTS_DIR) -fno-omit-frame-pointer
GUESTS_PROGS  := $(shell sed -n 's/^PROG(\([a-z0-9_]*\)).*/\1/p' $(GUESTS_DIR)/user/programs.def)

GUESTS_KERNEL_SRCS := $(wildcard $(GUESTS_DIR)/kernel/*.c $(GUESTS_DIR)/kernel/*.S) \
                      $(GUESTS_DIR)/lib/fmt.c
GUESTS_KERNEL_OBJS := $(patsubst $(GUESTS_DIR)/%,$(GUESTS_B)/%.o,$(GUESTS_KERNEL_SRCS))
GUESTS_ULIB_OBJS   := $(patsubst $(GUESTS_DIR)/%,$(GUESTS_B)/%.o,\
                      $(wildcard $(GUESTS_DIR)/user/lib/*.c $(GUESTS_DIR)/user/lib/*.S) \
                      $(GUESTS_DIR)/lib/fmt.c)
GUESTS_USER_OBJS   := $(GUESTS_PROGS:%=$(GUESTS_B)/user/%.c.o)
GUESTS_USER_ELFS   := $(GUESTS_PROGS:%=$(GUESTS_B)/user/%.elf)
GUESTS_EMBED_ELFS  := $(GUESTS_PROGS:%=$(GUESTS_B)/embed/%.elf)

# Objects: build/guests/<path>.c.o, so kernel and user copies of
# lib/fmt.c do not clash (they are the same code, compiled alike).
$(GUESTS_B)/%.c.o: $(GUESTS_DIR)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $<")
	$(Q)$(RV_CC) $(GUESTS_CFLAGS) -c $< -o $@

$(GUESTS_B)/%.S.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVAS    $<")
	$(Q)$(RV_CC) $(GUESTS_CFLAGS) -Wa,-I$(GUESTS_B)/embed -c $< -o $@

# A user program: its own object, the user library, user.ld.
$(GUESTS_B)/user/%.elf: $(GUESTS_B)/user/%.c.o $(GUESTS_ULIB_OBJS) $(GUESTS_DIR)/user/user.ld
	@$(if $(Q),echo "  RVLD    $@")
	$(Q)$(RV_CC) $(RV_LDFLAGS) -T $(GUESTS_DIR)/user/user.ld -o $@ \
		$(filter %.o,$^) -lgcc

# The copy embedded in the kernel: stripped of symbols and debug info.
$(GUESTS_B)/embed/%.elf: $(GUESTS_B)/user/%.elf
	@mkdir -p $(dir $@)
	$(Q)$(GUESTS_OBJCOPY) --strip-all $< $@

# progs.S includes every embedded program with .incbin.
$(GUESTS_B)/kernel/progs.S.o: $(GUESTS_EMBED_ELFS) $(GUESTS_DIR)/user/programs.def

$(GUESTS_B)/kernel.elf: $(GUESTS_KERNEL_OBJS) $(GUESTS_DIR)/kernel/kernel.ld
	@$(if $(Q),echo "  RVLD    $@")
	$(Q)$(RV_CC) $(RV_LDFLAGS) -T $(GUESTS_DIR)/kernel/kernel.ld -o $@ \
		$(filter %.o,$^) -lgcc

# The paravirtual kernel: every kernel object again, with -DPARAVIRT
# (kernel/pv.h says what changes).  These rules match build/guests/pv/...
# with a shorter stem than the ones above, so make prefers them there.
GUESTS_PV_KERNEL_OBJS := $(patsubst $(GUESTS_DIR)/%,$(GUESTS_B)/pv/%.o,$(GUESTS_KERNEL_SRCS))

$(GUESTS_B)/pv/%.c.o: $(GUESTS_DIR)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $< (PARAVIRT)")
	$(Q)$(RV_CC) $(GUESTS_CFLAGS) -DPARAVIRT -c $< -o $@

$(GUESTS_B)/pv/%.S.o: $(GUESTS_DIR)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVAS    $< (PARAVIRT)")
	$(Q)$(RV_CC) $(GUESTS_CFLAGS) -DPARAVIRT -Wa,-I$(GUESTS_B)/embed -c $< -o $@

$(GUESTS_B)/pv/kernel/progs.S.o: $(GUESTS_EMBED_ELFS) $(GUESTS_DIR)/user/programs.def

$(GUESTS_B)/kernel-pv.elf: $(GUESTS_PV_KERNEL_OBJS) $(GUESTS_DIR)/kernel/kernel.ld
	@$(if $(Q),echo "  RVLD    $@")
	$(Q)$(RV_CC) $(RV_LDFLAGS) -T $(GUESTS_DIR)/kernel/kernel.ld -o $@ \
		$(filter %.o,$^) -lgcc

.SECONDARY: $(GUESTS_USER_OBJS) $(GUESTS_ULIB_OBJS) $(GUESTS_EMBED_ELFS)

guests: $(GUESTS_B)/kernel.elf $(GUESTS_B)/kernel-pv.elf $(GUESTS_USER_ELFS)
.PHONY: guests

ALL_TARGETS += $(GUESTS_B)/kernel.elf $(GUESTS_B)/kernel-pv.elf $(GUESTS_USER_ELFS)

# `make run`: boot the teaching kernel on the bare machine.
DEMO_GUEST := $(GUESTS_B)/kernel.elf
DEMO_ARGS  := --mode=trap --stats --append "run=hello,primes,critical,detect"
