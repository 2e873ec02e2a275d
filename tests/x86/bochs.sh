# tests/x86/bochs.sh -- sourced by run.sh for `--venue bochs`: boot the L1
# kernel + initramfs under Debian's Bochs, whose CPU model emulates VT-x
# (VMX with EPT), so L1 loads kvm-intel instead of kvm-amd.
#
# Bochs boots like a PC: BIOS, then isolinux from a CD image made with
# xorriso.  COM1 goes to a file.  Debian's build has no "nogui" display,
# so the text display runs in a pseudo-terminal made by script(1), and the
# build stops at its debugger prompt first: a command file says "c".
#
# x86_bochs_run VMLINUZ INITRD LOG TIMEOUT: returns 0 when L1 ran to its
# end (the line "L1: done"), 124 on timeout.
x86_bochs_run() {
	local vmlinuz=$1 initrd=$2 log=$3 timeout=$4 d=build/x86/bochs
	for tool in bochs xorriso script; do
		command -v "$tool" >/dev/null ||
			{ echo "x86-test: $tool is missing (apt-get install bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso)" >&2; return 1; }
	done
	rm -rf "$d" && mkdir -p "$d/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$d/iso/isolinux/"
	cp "$vmlinuz" "$d/iso/vmlinuz"
	cp "$initrd" "$d/iso/l1.gz"
	cat >"$d/iso/isolinux/isolinux.cfg" <<-EOF
	default l1
	prompt 0
	label l1
	  kernel /vmlinuz
	  append initrd=/l1.gz console=ttyS0 panic=-1 quiet
	EOF
	xorriso -as mkisofs -quiet -o "$d/l1.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table "$d/iso" >/dev/null 2>&1 || return 1
	cat >"$d/bochsrc" <<-EOF
	megs: 2048
	cpu: model=corei7_haswell_4770, count=1, ips=100000000, reset_on_triple_fault=1
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
	ata0-master: type=cdrom, path=$d/l1.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$log
	display_library: term
	log: $d/bochs.log
	panic: action=fatal
	error: action=report
	info: action=ignore
	debug: action=ignore
	clock: sync=none, time0=local
	EOF
	echo c >"$d/debugger.rc"
	: >"$log"
	setsid script -qfec "bochs -q -f $d/bochsrc -rc $d/debugger.rc" /dev/null \
		</dev/null >"$d/screen.txt" 2>&1 &
	local pid=$! waited=0
	while kill -0 "$pid" 2>/dev/null; do
		grep -q '^L1: done' "$log" 2>/dev/null && { sleep 20; break; }
		[ "$waited" -ge "$timeout" ] && break
		sleep 5
		waited=$((waited + 5))
	done
	# setsid made script the leader of its own process group: end that
	# group (script, its shell, bochs) and nothing else.
	kill -- -"$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	grep -q '^L1: done' "$log" && return 0
	[ "$waited" -ge "$timeout" ] && return 124
	return 1
}
