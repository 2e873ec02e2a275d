#!/usr/bin/env bash
# seeds.sh TARGET DIR BUILD: write the seed corpus of fuzz target TARGET into
# DIR, from the project's own files (BUILD is the gcc build folder).
# shellcheck disable=SC2016  # the $ in the GDB packets and debugger lines is literal
set -euo pipefail
t=$1 dir=$2 b=$3
rm -rf "$dir" && mkdir -p "$dir"
case $t in
elf) # every guest ELF the build makes: the kernels, user programs, test guests
  find "$b/guests" "$b/tests" -name '*.elf' -size -2M 2>/dev/null | while read -r f; do
    cp "$f" "$dir/$(echo "${f#"$b"/}" | tr / _)"
  done
  [ -n "$(ls "$dir")" ] || { echo "seeds: no guest ELF under $b" >&2; exit 1; } ;;
bzimage | x86boot) # synthetic setup headers from the x86 boot protocol (boot.rst):
  # "HdrS" at 0x202, 0xaa55 at 0x1fe, version at 0x206, loadflags at 0x211,
  # xloadflags at 0x236, header length in the byte at 0x201, setup_sects at 0x1f1.
  # x86boot's inputs put the --mem, initrd size, flags and command line of
  # fuzz_x86boot.c before the image: guests that are really loaded (16 MiB
  # and less) and refusals of each kind.
  python3 - "$dir" "$t" <<'PY'
import struct, sys
d, t = sys.argv[1], sys.argv[2]
def img(sects=1, ver=0x20f, lf=1, xlf=1, jmp=0x66, tail=512, init=0x10000, iam=0x7fffffff):
    b = bytearray((sects + 1) * 512 + tail)
    b[0x1f1] = sects
    struct.pack_into('<H', b, 0x1fe, 0xaa55)
    b[0x200] = 0xeb; b[0x201] = jmp
    struct.pack_into('<IH', b, 0x202, 0x53726448, ver)
    b[0x211] = lf
    struct.pack_into('<I', b, 0x22c, iam)          # initrd_addr_max
    struct.pack_into('<H', b, 0x236, xlf)
    struct.pack_into('<I', b, 0x238, 2048)         # cmdline_size
    struct.pack_into('<I', b, 0x260, init)         # init_size
    return bytes(b)
imgs = {'good': img(), 'sects0': img(sects=0), 'sects30': img(sects=30),
        'old': img(ver=0x20b), 'zimage': img(lf=0), 'no64': img(xlf=0),
        'shorthdr': img(jmp=0x10), 'tiny': img()[:0x300]}
if t == 'bzimage':
    for name, data in imgs.items():
        open(f'{d}/{name}', 'wb').write(data)
    sys.exit(0)
M = 1 << 20
cl = b'console=ttyS0 reboot=k'
runs = {'small-initrd': (16 * M, 4096, 1, cl), 'no-initrd': (16 * M, 0, 0, b''),
        'acpi-2m': (2 * M, 0x1000, 3, cl + b' quiet'), 'big': (256 * M, 10 * M, 3, cl),
        'initrd-too-big': (64 * M, 64 * M, 1, cl), 'high-mem': (8 << 30, M, 1, cl),
        'initrd-2^64': (16 * M, 2**64 - 1, 1, cl), 'long-cmdline': (16 * M, 0, 0, b'a' * 3000),
        'no-ram': (0, 0, 0, b'')}
kernels = {'good': imgs['good'], 'sects30': imgs['sects30'], 'longhdr': img(jmp=0xff),
           'iam-low': img(iam=0x1fffff), 'init-big': img(init=0xffffffff)}
for rname, (mem, isize, flags, line) in runs.items():
    for kname, k in kernels.items():
        head = struct.pack('<QQBH', mem, isize, flags, len(line)) + line
        open(f'{d}/{rname}-{kname}', 'wb').write(head + k)
PY
  ;;
gdb) # packets gdb-multiarch sends in a session (checksums computed here)
  while read -r body; do
    printf '+$%s#%02x' "$body" "$(printf '%s' "$body" | od -An -tu1 | tr -s ' ' '\n' |
      awk '{s+=$1} END {print s%256}')" >"$dir/$(printf '%s' "$body" | md5sum | cut -c1-12)"
  done <<'PKTS'
qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+
QStartNoAckMode
qXfer:features:read:target.xml:0,ffb
qXfer:features:read:target.xml:ffb,ffb
?
Hg0
Hc-1
qAttached
qC
qfThreadInfo
qsThreadInfo
qSymbol::
g
p20
P5=78563412
m80000000,4
m80000000,40
M80001000,4:13000000
Z0,80000010,4
z0,80000010,4
Z1,80000010,4
s
c
c80000000
vCont?
vKill;a410
D
k
PKTS
  printf '\003$g#67+$?#3f' >"$dir/ctrl-c"
  printf '$m0,4#00-$m0,4#fd' >"$dir/bad-checksum" ;;
dbgcmd) # the debugger sessions docs/debugger.md shows (its "(tv) " lines), one
  # script per example, plus one line of every command of the command table
  sed -n 's/^(tv) //p' docs/debugger.md >"$dir/docs-session"
  sed -n 's/^\t{ "\([a-z]*\)".*/\1/p' viz/cmds.c | while read -r cmd; do
    printf '%s\n' "$cmd" >"$dir/cmd-$cmd"; done
  printf 'break main\nstepi 3\nx/4i $pc\ninfo regs\nwalk $sp\nvm 0\ntrace 2\ndelete\n' >"$dir/mix"
  printf 'catch trap ecall-from-U\ncontinue\ninfo shadow\nwatch 0x80001000\nnext\n' >"$dir/mix2" ;;
qcow2) # images made by QEMU's own qemu-img and qemu-io (small clusters keep them
  # a few KiB): empty, written, with a backing file, version 2 and 3
  command -v qemu-img >/dev/null || { echo "seeds: qemu-img is missing" >&2; exit 1; }
  q() { qemu-img "$@" >/dev/null; }
  q create -f qcow2 -o cluster_size=512 "$dir/empty" 64K
  q create -f qcow2 -o cluster_size=512,compat=0.10 "$dir/v2" 64K
  q create -f qcow2 -o cluster_size=1024,refcount_bits=8 "$dir/ref8" 128K
  q create -f qcow2 -o cluster_size=512 "$dir/written" 64K
  qemu-io -f qcow2 -c 'write -P 0xab 0 2k' -c 'write -P 0x5a 40k 1k' "$dir/written" >/dev/null
  q create -f qcow2 -o cluster_size=512 -b empty -F qcow2 "$dir/overlay" 64K ;;
snapshot) # snapshots of the kernel (2 MiB of RAM) suspended in each mode: trap,
  # vt (its extra section), bare (the hart's section), early and late
  for m in trap vt bare; do
    for at in 5000 400000; do
      "$b/trapvisor" run --mode=$m --mem 2M --append run=hello --suspend-at $at \
        --snapshot "$dir/$m-$at" "$b/guests/kernel.elf" </dev/null >/dev/null 2>&1
    done
  done ;;
*) echo "seeds: no seeds for fuzz target '$t'" >&2; exit 2 ;;
esac
