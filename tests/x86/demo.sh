#!/usr/bin/env bash
# tests/x86/demo.sh -- `make x86-demo`: boot Debian's cloud kernel on this
# machine's KVM to a shell on COM1, with a root disk and the network up.
# Needs /dev/kvm (real VT-x or AMD-V).
#
#   build/x86/demo/root.qcow2  the root file system: Debian's busybox in an
#                              ext4 image made by `mke2fs -d` from a folder,
#                              converted to qcow2
#   build/x86/demo/initrd      loads Debian's virtio modules (the kernel has
#                              virtio-mmio and virtio-blk as modules), mounts
#                              /dev/vda and switches to it
#   --net user,hostfwd=...     slirp: the guest gets 10.0.2.15 by DHCP and
#                              serves a page on port 80, forwarded from the
#                              host's 127.0.0.1:$X86_DEMO_PORT (default 8080)
#
# In the shell, `poweroff -f` (or `exit`) ends the run; Ctrl-A x quits,
# Ctrl-A s prints the statistics.  X86_DEMO_BUILD_ONLY=1 only builds the
# images and prints the command.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/x86/kernel.sh
x86_fetch_kernel
for tool in busybox mke2fs qemu-img cpio gzip; do
	command -v "$tool" >/dev/null || { echo "x86-demo: $tool is missing (make deps)" >&2; exit 2; }
done
D=build/x86/demo
port=${X86_DEMO_PORT:-8080}
rm -rf "$D" && mkdir -p "$D"

# The root file system.
root=$D/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,www,lib/modules}
cp "$(command -v busybox)" "$root/bin/busybox"
cp "$moddir/net/core/failover.ko" "$moddir/drivers/net/net_failover.ko" \
	"$moddir/drivers/net/virtio_net.ko" "$root/lib/modules/"
echo "trapvisor" >"$root/etc/hostname"
echo "Hello from a Linux guest of trapvisor, through slirp's port forward." >"$root/www/index.html"
cat >"$root/bin/dhcp.sh" <<'EOF'
#!/bin/sh
case "$1" in bound | renew)
	ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
	route add default gw "$router" dev "$interface"
	echo "nameserver ${dns%% *}" >/etc/resolv.conf
	echo "network: $interface has $ip (router $router)"
	;;
esac
EOF
cat >"$root/sbin/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
hostname -F /etc/hostname
for m in failover net_failover virtio_net; do insmod /lib/modules/\$m.ko; done
ifconfig lo up
ifconfig eth0 up && udhcpc -n -q -t 5 -i eth0 -s /bin/dhcp.sh >/dev/null 2>&1
httpd -f -v -p 80 -h /www & # -v: each request it serves shows on the console
echo
echo "trapvisor x86 demo: Linux \$(uname -r) on KVM, \$(grep -c ^processor /proc/cpuinfo) vCPUs,"
echo "root on /dev/vda (\$(df -h / | awk 'NR==2 {print \$2}') ext4 in qcow2), network: \$(ifconfig eth0 | grep -o 'inet addr:[0-9.]*')."
echo "From the host, wget -O - http://127.0.0.1:$port/ reaches this guest's httpd; from here,"
echo "10.0.2.2 is the host (its loopback too).  Try: dmesg | grep virtio; cat /proc/interrupts."
echo "poweroff -f ends it; Ctrl-A x quits, Ctrl-A s shows the exit statistics."
setsid cttyhack sh -l
poweroff -f
EOF
chmod +x "$root/bin/dhcp.sh" "$root/sbin/init"
mke2fs -q -t ext4 -d "$root" -F "$D/root.img" 64M
qemu-img convert -f raw -O qcow2 "$D/root.img" "$D/root.qcow2"
rm -f "$D/root.img"

# The initramfs: just enough to reach the root disk.
ird=$D/initrd-root
mkdir -p "$ird"/{bin,mod,proc,dev,newroot}
cp "$(command -v busybox)" "$ird/bin/busybox"
cp "$moddir/drivers/virtio/virtio_ring.ko" "$moddir/drivers/virtio/virtio.ko" \
	"$moddir/drivers/virtio/virtio_mmio.ko" "$moddir/drivers/block/virtio_blk.ko" "$ird/mod/"
cat >"$ird/init" <<'EOF'
#!/bin/busybox sh
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_mmio virtio_blk; do insmod /mod/$m.ko; done
for i in 1 2 3 4 5; do [ -b /dev/vda ] && break; sleep 1; done
mount -t ext4 /dev/vda /newroot || { echo "demo: cannot mount /dev/vda"; poweroff -f; }
umount /proc
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
EOF
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$D/initrd"

cmd=(build/trapvisor x86 --kernel "$vmlinuz" --initrd "$D/initrd" --mem 512M --cpus 2
	--disk "$D/root.qcow2" --net "user,hostfwd=tcp:127.0.0.1:$port-:80" --append quiet "$@")
if [ -n "${X86_DEMO_BUILD_ONLY:-}" ]; then
	echo "${cmd[*]}"
	exit 0
fi
exec "${cmd[@]}"
