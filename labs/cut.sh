#!/usr/bin/env bash
# cut.sh LAB OUT [FROM] -- the starter tree of lab LAB, cut from this tree's
# solution (with FROM, only steps FROM and later are cut: the tree of a
# student who has done the steps before).
#
# The solution is the project's own code.  Each part a student writes is
# marked in place, and the stub that replaces it is written inside the
# marker block, one line per "//| " comment:
#
#	/* LAB NAME step N BEGIN: what the student writes here */
#	...the project's code (the solution)...
#	/* LAB STUB */
#	//| flags = PTE_V | PTE_U;	(the starter's code)
#	/* LAB END */
#
# Every tracked file is copied to OUT; in each C source (.c .h .S), the
# regions of LAB lose their solution and their stub lines become code.  Regions of other labs
# are left alone (those parts of the monitor stay complete).  OUT/.lab
# names the lab, so that `make grade` there grades it.  Exits 2 on a
# malformed region (no STUB, no END, a region inside a region).
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: labs/cut.sh LAB OUT [FROM]" >&2; exit 2; }
lab=$1 out=$2 from=${3:-0}
[ -f "labs/$lab/steps" ] || { echo "cut.sh: no lab '$lab' (no labs/$lab/steps)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
# Regions are marked in C sources only (docs may show the markers).
labs_is_source() { case "$1" in *.c | *.h | *.S) return 0 ;; esac; return 1; }
# Tracked files as they are in the working tree (uncommitted edits too).
git ls-files --cached --others --exclude-standard | while IFS= read -r f; do
	[ -e "$f" ] || continue
	mkdir -p "$out/$(dirname "$f")"
	if labs_is_source "$f" && grep -q "LAB $lab step [0-9]* BEGIN" "$f"; then
		labs/cut.awk -v lab="$lab" -v from="$from" "$f" >"$out/$f" || { rm -rf "$out"; exit 2; }
		chmod --reference="$f" "$out/$f"
	else
		cp -p "$f" "$out/$f"
	fi
done
echo "$lab" >"$out/.lab"
