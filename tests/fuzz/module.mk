# tests/fuzz: libFuzzer targets for every parser of outside input.
#
#   make fuzz              run every target for FUZZ_TIME seconds (default 60)
#   make test-fuzz-smoke   (part of `make test`) replay tests/fuzz/regress/<target>/,
#                          then run each target for FUZZ_SMOKE seconds; a crash fails
#
# Layout (see docs/testing.md):
#   tests/fuzz/fuzz_<name>.c      one target: LLVMFuzzerTestOneInput
#   tests/fuzz/seeds.sh <name>    writes the seed corpus of <name> from the project's files
#   tests/fuzz/regress/<name>/    every input that once crashed <name> (replayed by the smoke run)
#   build/fuzz/obj/...            the trapvisor sources again, built with clang and
#                                 -fsanitize=fuzzer-no-link,address,undefined
#   build/fuzz/bin/<name>         the fuzzer;  build/fuzz/corpus/<name>/ its corpus
#
# Adding a target: write fuzz_<name>.c, add <name> to FUZZ_TARGETS, and give it
# seeds in seeds.sh.
FUZZ_TARGETS := elf bzimage x86boot gdb dbgcmd qcow2 snapshot

FUZZ_CC    := clang
FUZZ_TIME  ?= 60
FUZZ_SMOKE ?= 3
FUZZ_B     := $(B)/fuzz
FUZZ_SAN   := -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
# KVM's ABI structs kvm_msrs, kvm_msr_list and kvm_xsave end in flexible
# arrays, and x86-vtx/snapshot.c follows them with their entries inside
# one struct, as the KVM API documents (a GNU C extension gcc's gnu11
# accepts silently; clang names it).
FUZZ_CFLAGS:= -O1 -g -std=gnu11 -Wall -Wextra -Werror -MMD -MP -I. -fno-strict-aliasing \
              -Wno-gnu-variable-sized-type-not-at-end $(FUZZ_SAN) -fno-omit-frame-pointer
FUZZ_LIB   := $(FUZZ_B)/libtrapvisor.a
FUZZ_OBJS   = $(TV_SRCS:%.c=$(FUZZ_B)/obj/%.o)
FUZZ_BINS  := $(FUZZ_TARGETS:%=$(FUZZ_B)/bin/%)
# The seeds come from the guests the gcc build makes (dbgcmd runs one, and
# snapshot has trapvisor suspend them).
FUZZ_SEED_PREREQS = $(B)/trapvisor $(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf $(GUESTS_USER_ELFS) \
                    $(B)/tests/guest/paging.elf # dbgcmd debugs it

$(FUZZ_B)/obj/%.o: %.c tests/fuzz/module.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(VIZ_GVC_CFLAGS) -c $< -o $@

# TV_SRCS is complete only after every module.mk (x86-vtx/ and viz/ come
# later), so this prerequisite list is expanded a second time, when make runs.
.SECONDEXPANSION:
$(FUZZ_LIB): $$(FUZZ_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_B)/bin/%: $(FUZZ_B)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(FUZZ_B)/seeds/%.stamp: tests/fuzz/seeds.sh $$(FUZZ_SEED_PREREQS)
	@mkdir -p $(dir $@)
	$(Q)tests/fuzz/seeds.sh $* $(FUZZ_B)/seeds/$* $(B)
	@touch $@

FUZZ_STAMPS := $(FUZZ_TARGETS:%=$(FUZZ_B)/seeds/%.stamp)
fuzz-build: $(FUZZ_BINS) $(FUZZ_STAMPS)

fuzz: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
	  tests/fuzz/run.sh $(FUZZ_B) $$t $(FUZZ_TIME) || exit 1; done

test-fuzz-smoke: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
	  tests/fuzz/run.sh $(FUZZ_B) $$t $(FUZZ_SMOKE) || exit 1; done

TEST_TARGETS += test-fuzz-smoke
.PHONY: fuzz fuzz-build
