# trapvisor: one flat Makefile. Each folder adds its sources, programs and
# tests in its own module.mk; this file only holds the shared rules.
#
#   make            build everything (build/trapvisor, guests, test binaries)
#   make run        install missing packages, build, run the default demo
#   make test       install missing packages, build, run every test
#   make bench      benchmarks with a peer measured in the same run
#   V=1             show the commands;  WERROR=0  warnings are not errors
#   B=dir           build into dir instead of build/ (test-sanitize uses
#                   build-san/ for its AddressSanitizer+UBSan build)

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

B        ?= build
CC       ?= cc
WERROR   ?= 1
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -MMD -MP -I. -fno-strict-aliasing
ifeq ($(WERROR),1)
CFLAGS   += -Werror
endif
LDLIBS   += -ldw -lelf -lfdt -lz -lm -lpthread

# The RISC-V cross compiler builds TRV32 guests (freestanding, no libc).
RV_PREFIX ?= riscv64-unknown-elf-
RV_CC     := $(RV_PREFIX)gcc
RV_OBJDUMP:= $(RV_PREFIX)objdump
RV_ARCH   := -march=rv32ima_zicsr_zifencei -mabi=ilp32
RV_CFLAGS := $(RV_ARCH) -O2 -g -ffreestanding -fno-builtin -nostdlib \
             -mcmodel=medany -fno-pic -Wall -Wextra -Werror -MMD -MP
RV_LDFLAGS:= $(RV_ARCH) -nostdlib -static -Wl,--no-relax

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Filled in by the module.mk files.
TV_SRCS      :=     # sources of the trapvisor binary (main() excluded)
TV_MAIN      :=     # the file with main()
ALL_TARGETS  :=     # extra things `make all` builds
TEST_TARGETS :=     # phony targets that `make test` runs, in order
BENCH_TARGETS:=     # phony targets that `make bench` runs

# $(call criterion_test,NAME,SOURCES[,PREREQS]): a Criterion test binary
# build/tests/bin/NAME from SOURCES linked with libtrapvisor.a, and the phony
# target test-NAME that runs it (after building PREREQS, e.g. guests).
# LDLIBS is expanded when the binary is linked ($$(LDLIBS)), not when the
# rule is made: a module.mk read later (viz/, x86-vtx/) adds libraries too.
TV_LIB  := $(B)/libtrapvisor.a
define criterion_test
$(B)/tests/bin/$(1): $(2:%.c=$(B)/%.o) $(TV_LIB)
	@mkdir -p $$(dir $$@)
	@$$(if $(Q),echo "  LD      $$@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $$@ $$^ -lcriterion $$(LDLIBS)
test-$(1): $(B)/tests/bin/$(1) $(B)/trapvisor $(3)
	$(Q)$(B)/tests/bin/$(1) --jobs=2 --short-filename
TEST_TARGETS += test-$(1)
ALL_TARGETS  += $(B)/tests/bin/$(1) $(3)
endef

MODULES := $(sort $(wildcard */module.mk */*/module.mk))
include $(MODULES)

TV_OBJS := $(TV_SRCS:%.c=$(B)/%.o)

# The tests run the trapvisor of their own build folder (build-san/trapvisor
# under test-sanitize), never a hard-coded build/trapvisor.
$(B)/tests/%.o: CFLAGS += -DTV_BIN='"$(B)/trapvisor"'

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(TV_LIB): $(TV_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/trapvisor: $(TV_MAIN:%.c=$(B)/%.o) $(TV_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

all: $(B)/trapvisor $(ALL_TARGETS)

deps:
	$(Q)scripts/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(B)/trapvisor run $(DEMO_ARGS) $(DEMO_GUEST)

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory -k $(TEST_TARGETS)
	@echo "all test groups passed"

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory $(BENCH_TARGETS)

# Every C file follows .clang-format (STYLE.md); part of `make test`.
format-check:
	$(Q)clang-format --style=file --dry-run --Werror $(shell git ls-files '*.c' '*.h')
	@echo "format-check: every C file follows .clang-format"
TEST_TARGETS += format-check

# test-sanitize: the Criterion groups once more, built with AddressSanitizer
# and UndefinedBehaviorSanitizer into build-san/ (trapvisor, the library and
# the test binaries; the tests run build-san/trapvisor).  Any report stops
# the process (-fno-sanitize-recover, halt_on_error) and fails its test.
# Leaks inside system libraries only are suppressed: scripts/lsan.supp.
# The random differential test runs in both modes (its 1,000 seeds take
# seconds).  The nested x86 venues, the QEMU peer and the benchmarks stay
# on the normal build: they test QEMU, KVM or time things, not trapvisor's
# own C code, and would not fit the time budget sanitized.
#   make test-sanitize SAN_GROUPS="cpu unit"    a few groups only
SAN_B      := build-san
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer -DTV_SANITIZED=1
SAN_GROUPS ?= unit cpu tvt devices x86-unit guest monitor kernel legacy vt pv compare viz conf disk \
              diff diff-trap
# A Criterion pattern of the tests to run, if not all (e.g. '!(dot)/*').
SAN_SKIP   ?=
SAN_ENV    := $(if $(SAN_SKIP),CRITERION_TEST_PATTERN='$(SAN_SKIP)') \
              ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:exitcode=86 \
              UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86 \
              LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0
ifneq ($(B),$(SAN_B))
# CFLAGS goes through the environment, not the command line, so that this
# Makefile still adds -std, -W and -I to it.
test-sanitize:
	$(Q)$(SAN_ENV) CFLAGS='$(SAN_CFLAGS)' $(MAKE) --no-print-directory -k B=$(SAN_B) \
		$(SAN_GROUPS:%=test-%)
	@echo "test-sanitize: $(SAN_GROUPS) passed under ASan+UBSan"
TEST_TARGETS += test-sanitize
endif

clean:
	rm -rf $(B) $(SAN_B)

.PHONY: all deps run test bench clean format-check test-sanitize $(TEST_TARGETS) $(BENCH_TARGETS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
