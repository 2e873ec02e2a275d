# tests/x86/kernel.sh -- sourced by run.sh and demo.sh: get Debian's cloud
# kernel package once into build/x86/deb (apt-get download: the package is
# unpacked with dpkg-deb, never installed) and set
#   vmlinuz  the bzImage      kver    its version
#   moddir   its modules      kdir    where the package was unpacked
x86_fetch_kernel() {
	local B=build/x86 deb pkg
	deb=$(ls "$B"/deb/linux-image-*-cloud-amd64_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		mkdir -p "$B/deb"
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		if [ -z "$pkg" ]; then # no package lists yet: read them once
			apt-get update -qq >/dev/null 2>&1 || true
			pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
				awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		fi
		[ -n "$pkg" ] || { echo "x86: apt knows no linux-image-cloud-amd64" >&2; return 1; }
		(cd "$B/deb" && apt-get download "$pkg" >/dev/null 2>&1) ||
			{ echo "x86: apt-get download $pkg failed" >&2; return 1; }
		deb=$(ls "$B"/deb/linux-image-*-cloud-amd64_*.deb | head -1)
	fi
	kdir=$B/kernel
	# A stamp, not boot/'s own time: dpkg-deb gives unpacked folders the
	# package's (old) times, which would unpack it again on every run --
	# under the feet of a venue running at the same time.
	if [ ! -f "$kdir/.unpacked" ] || [ "$deb" -nt "$kdir/.unpacked" ]; then
		rm -rf "$kdir"
		dpkg-deb -x "$deb" "$kdir" || return 1
		touch "$kdir/.unpacked"
	fi
	vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -1)
	kver=${vmlinuz##*/vmlinuz-}
	moddir=$kdir/lib/modules/$kver/kernel
}
