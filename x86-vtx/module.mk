# x86-vtx/: the KVM backend (boot Linux, exits, explorer, page walker).
TV_SRCS += $(wildcard x86-vtx/*.c)
# --net user: libslirp (Debian libslirp-dev; its header needs no glib).
LDLIBS += -lslirp

# The explorer's guest program: IA-32 assembly for the host's GNU as,
# linked at the address explore.c loads it (EXPLORE_BASE) and flattened
# to a raw image.  trapvisor finds it at x86/explore.bin next to itself.
X86_GUEST_BINS := $(B)/x86/explore.bin
X86_GUEST_BASE := 0x10000

$(B)/x86/%.o: x86-vtx/guests/%.s
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)as --32 -o $@ $<

$(B)/x86/%.elf: $(B)/x86/%.o
	$(Q)ld -m elf_i386 -N --no-warn-rwx-segments -Ttext $(X86_GUEST_BASE) -e start -o $@ $<

$(B)/x86/%.bin: $(B)/x86/%.elf
	$(Q)objcopy -O binary $< $@

ALL_TARGETS += $(X86_GUEST_BINS)

# Boots Linux to a shell on a machine with /dev/kvm (see docs/x86.md).
.PHONY: x86-demo
x86-demo: $(B)/trapvisor
	$(Q)tests/x86/demo.sh
