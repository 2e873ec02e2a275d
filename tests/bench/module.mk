# tests/bench/: benchmark guests, timed on trapvisor and on qemu-riscv32 in
# the same run (`make bench`; docs/bench.md says how to read the table).
#
# Each workload (alu, sieve, sieve-paged, chase) is one C file built twice, with the
# same flags, for the two peers:
#   build/tests/bench/W-bare.elf   bench.c W.c paging.c peer_bare.S, at 0x80000000
#   build/tests/bench/W-qemu.elf   bench.c W.c peer_qemu.S, at 0x10000
# (one linker script, tests/bench/link.ld, with the base address as a symbol)
# and build/tests/bench/benchrun (host) runs and times them.
#
# bench-modes times the teaching kernel's programs in --mode=bare and
# --mode=trap instead (build/tests/bench/benchmodes, from modes.c): the
# price of the monitor, against the targets of issue 4.

BENCH_B         := $(B)/tests/bench
BENCH_WORKLOADS := alu sieve sieve-paged chase
BENCH_RUNS      ?= 3
# trapvisor modes to time, one row each (MIPS in both): e.g. make bench BENCH_MODES=bare;
# MODE:interp is the same mode on the interpreter (the default engine is jit)
BENCH_MODES     ?= bare trap bare:interp trap:interp
# No memset/memcpy calls conjured from loops: the guests have no libc.
BENCH_RV_CFLAGS := $(RV_CFLAGS) -I. -fno-tree-loop-distribute-patterns

$(BENCH_B)/%.rv.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(BENCH_RV_CFLAGS) -c $< -o $@

# sieve-paged: the sieve with its array behind 4 KiB pages (see sieve.c).
$(BENCH_B)/sieve-paged.rv.o: tests/bench/sieve.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(BENCH_RV_CFLAGS) -DBENCH_PAGED -c $< -o $@

$(BENCH_B)/%.rv.o: tests/bench/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVAS    $@")
	$(Q)$(RV_CC) $(BENCH_RV_CFLAGS) -c $< -o $@

$(BENCH_B)/%-bare.elf: $(BENCH_B)/%.rv.o $(BENCH_B)/bench.rv.o $(BENCH_B)/paging.rv.o \
		$(BENCH_B)/peer_bare.rv.o tests/bench/link.ld
	@$(if $(Q),echo "  RVLD    $@")
	$(Q)$(RV_CC) $(RV_LDFLAGS) -Wl,--defsym=BENCH_BASE=0x80000000 -T tests/bench/link.ld \
		-o $@ $(filter %.o,$^)

$(BENCH_B)/%-qemu.elf: $(BENCH_B)/%.rv.o $(BENCH_B)/bench.rv.o $(BENCH_B)/peer_qemu.rv.o \
		tests/bench/link.ld
	@$(if $(Q),echo "  RVLD    $@")
	$(Q)$(RV_CC) $(RV_LDFLAGS) -Wl,--defsym=BENCH_BASE=0x10000 -T tests/bench/link.ld \
		-o $@ $(filter %.o,$^)

# Keep the objects (make would delete them as intermediate files).
.SECONDARY: $(foreach f,$(BENCH_WORKLOADS) bench paging peer_bare peer_qemu,$(BENCH_B)/$(f).rv.o)

$(BENCH_B)/benchrun: $(B)/tests/bench/run.o $(B)/tests/bench/bench_text.o \
		$(B)/tests/diff/diff_proc.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lm

BENCH_GUESTS := $(foreach w,$(BENCH_WORKLOADS),$(BENCH_B)/$(w)-bare.elf $(BENCH_B)/$(w)-qemu.elf)
ALL_TARGETS  += $(BENCH_GUESTS) $(BENCH_B)/benchrun $(BENCH_B)/benchmodes

bench-peer: $(B)/trapvisor $(BENCH_B)/benchrun $(BENCH_GUESTS) $(B)/tests/peer/shim.pflash
	$(Q)$(BENCH_B)/benchrun -n $(BENCH_RUNS) $(foreach m,$(BENCH_MODES),-m $(m)) \
		-s $(B)/tests/peer/shim.pflash $(BENCH_B) $(BENCH_WORKLOADS)
BENCH_TARGETS += bench-peer

# bench-modes: each program (a `run=` item of the teaching kernel) in bare
# and trap mode, best of BENCH_RUNS each.  The sizes make each bare run
# last about 0.2-1 s on a 2-core development VM; the outputs of the last
# runs are in build/tests/bench/modes/.  One program alone, e.g.:
#   make bench-modes BENCH_KERNEL_PROGS=syscalls:500000
BENCH_KERNEL_PROGS ?= primes:1000000 syscalls:500000 memtouch:32 ptchurn:300:64 \
		      spawnloop:1000 pingpong:20000

$(BENCH_B)/benchmodes: $(B)/tests/bench/modes.o $(B)/tests/bench/bench_text.o \
		$(B)/tests/diff/diff_proc.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

bench-modes: $(B)/trapvisor $(BENCH_B)/benchmodes $(B)/guests/kernel.elf
	@mkdir -p $(BENCH_B)/modes
	$(Q)$(BENCH_B)/benchmodes -n $(BENCH_RUNS) $(B)/guests/kernel.elf $(BENCH_B)/modes \
		$(BENCH_KERNEL_PROGS)
BENCH_TARGETS += bench-modes

# bench-compare: `trapvisor bench modes`, every microbenchmark of the
# teaching kernel's `micro` program in every mode (bare, trap, bt, pv,
# vt + nested, vt + shadow): software against hardware assist, per
# iteration, with the chart in build/tests/bench/compare.svg.  More
# options with BENCH_COMPARE_ARGS, e.g.
#   make bench-compare BENCH_COMPARE_ARGS="--kinds syscall,ptewrite --csv"
BENCH_COMPARE_ARGS ?=

bench-compare: $(B)/trapvisor $(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf
	@mkdir -p $(BENCH_B)
	$(Q)$(B)/trapvisor bench modes --runs $(BENCH_RUNS) --svg $(BENCH_B)/compare.svg \
		$(BENCH_COMPARE_ARGS)
BENCH_TARGETS += bench-compare

# bench-disks: `trapvisor bench disks`, the emulated disk against
# virtio-blk per KiB moved, bare and in modes trap, pv and vt (issue 14;
# docs/devices.md).  More options with BENCH_DISKS_ARGS, e.g. --kib 1024.
BENCH_DISKS_ARGS ?=

bench-disks: $(B)/trapvisor $(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf
	$(Q)$(B)/trapvisor bench disks --runs $(BENCH_RUNS) $(BENCH_DISKS_ARGS)
BENCH_TARGETS += bench-disks

# bench-startup: `trapvisor bench startup`, wall time and peak RSS of a
# trivial guest at --mem 64M and 1G, bare, trap and vt (issue 18;
# docs/monitor.md): flat in --mem, as machine RAM is backed on first touch.
bench-startup: $(B)/trapvisor $(B)/tests/guest/hello.elf
	$(Q)$(B)/trapvisor bench startup --guest $(B)/tests/guest/hello.elf
BENCH_TARGETS += bench-startup

# bench-reclaim: `trapvisor bench reclaim`, taking memory back from VMs by
# swap (--mem-limit) and by the balloon (--balloon), in pages written,
# read back, dropped and left resident (issue 15; docs/state.md).
bench-reclaim: $(B)/trapvisor $(B)/guests/kernel.elf
	$(Q)$(B)/trapvisor bench reclaim
BENCH_TARGETS += bench-reclaim
