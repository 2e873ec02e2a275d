#!/usr/bin/env bash
# Install the Debian packages trapvisor needs, but only those missing.
# Called by `make run`, `make test` and `make bench`; safe to run again.
set -euo pipefail

pkgs=(
  build-essential pkg-config
  libelf-dev libfdt-dev libcriterion-dev          # ELF loading, device tree, tests
  zlib1g-dev                                      # crc32: snapshot sections (core/state.c)
  libncurses-dev libreadline-dev libgraphviz-dev  # the debugger and drawings
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf  # TRV32 guests
  qemu-user qemu-system-misc                      # the RISC-V peers
  qemu-system-x86 qemu-utils busybox-static cpio  # the nested x86 tests
  libslirp-dev                                    # x86 --net user (user-mode NAT)
  libdw-dev                                       # the debugger's source lines (DWARF)
  bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso  # x86 tests, VT-x venue
  gdb-multiarch tmux device-tree-compiler clang-format
  libxml2-utils                                   # xmllint: the SVG chart's test
  valgrind                                        # the drawings' memory test
  clang libclang-rt-14-dev python3                # make fuzz: libFuzzer targets, their seeds
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
