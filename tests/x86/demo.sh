#!/usr/bin/env bash
# tests/x86/demo.sh -- `make x86-demo`: boot Debian's cloud kernel on this
# machine's KVM to a busybox shell on COM1.  Needs /dev/kvm (real VT-x or
# AMD-V); `exit` or `poweroff -f` in the shell ends it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/x86/kernel.sh
x86_fetch_kernel

root=build/x86/demo-root
rm -rf "$root" && mkdir -p "$root/bin"
cp "$(command -v busybox)" "$root/bin/busybox"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo
echo "trapvisor x86 demo: Linux $(uname -r) on KVM, $(grep -c ^processor /proc/cpuinfo) vCPUs."
echo "Try: cat /proc/interrupts; dmesg | grep -i acpi; exit (powers off)."
setsid cttyhack sh
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >build/x86/demo.cpio.gz
exec build/trapvisor x86 --kernel "$vmlinuz" --initrd build/x86/demo.cpio.gz \
	--mem 512M --cpus 2 --append "quiet" --stats "$@"
