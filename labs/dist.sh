#!/usr/bin/env bash
# dist.sh LAB OUTDIR -- OUTDIR/LAB-starter.tar.gz, the starter tree of lab
# LAB an instructor hands out (make lab-dist), checked to hold no line of
# the lab's solution: every line of the cut regions (trimmed, 8+ chars)
# may occur in the tarball only as often as it occurs in the tree outside
# those regions (and outside labs/LAB/) and in their stubs.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: labs/dist.sh LAB OUTDIR" >&2; exit 2; }
lab=$1 outdir=$2
tree=$outdir/$lab-starter
tarball=$outdir/$lab-starter.tar.gz
mkdir -p "$outdir"
labs/cut.sh "$lab" "$tree"
tar -czf "$tarball" -C "$outdir" --owner=0 --group=0 "$lab-starter"

# The check, on what is in the tarball (not the tree it came from).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp"
labs_is_source() { case "$1" in *.c | *.h | *.S) return 0 ;; esac; return 1; }
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | awk 'length >= 8'; }
# The solution's lines, and the lines allowed anyway (outside the regions,
# and the stubs once uncommented).
git ls-files --cached --others --exclude-standard | while IFS= read -r f; do
	[ -f "$f" ] || continue
	if labs_is_source "$f" && grep -q "LAB $lab step [0-9]* BEGIN" "$f"; then
		awk -v lab="$lab" -v sol="$tmp/sol" -v ok="$tmp/ok" '
			$0 ~ ("/\\* LAB " lab " step [0-9]+ BEGIN") { s = 1; next }
			s == 1 && /\/\* LAB STUB \*\// { s = 2; next }
			s == 2 && /\/\* LAB END \*\// { s = 0; next }
			s == 1 { print >> sol; next }
			s == 2 { sub(/\/\/\| ?/, ""); print >> ok; next }
			{ print >> ok }' "$f"
	elif [ "${f#labs/$lab/}" = "$f" ]; then
		# (the lab's own handout and grader allow nothing: a solution
		# line there is a leak)
		grep -Iv '^$' "$f" >>"$tmp/ok" || true
	fi
done
[ -s "$tmp/sol" ] || { echo "lab-dist: lab $lab marks no region in the tree" >&2; exit 1; }
trim <"$tmp/sol" | sort -u >"$tmp/sol.lines"
trim <"$tmp/ok" | sort >"$tmp/ok.all"
find "$tmp/$lab-starter" -type f -print0 | xargs -0 grep -Ih '' | trim | sort >"$tmp/tar.all"
bad=0
while IFS= read -r l; do
	allowed=$(grep -cxF -- "$l" "$tmp/ok.all" || true)
	found=$(grep -cxF -- "$l" "$tmp/tar.all" || true)
	if [ "$found" -gt "$allowed" ]; then
		echo "lab-dist: the starter of $lab holds a solution line: $l" >&2
		bad=1
	fi
done <"$tmp/sol.lines"
# Nothing built, no history.
if find "$tmp/$lab-starter" \( -name '*.o' -o -name '*.a' -o -name .git -o -name build \) | grep -q .; then
	echo "lab-dist: the starter of $lab holds built objects or git history" >&2
	bad=1
fi
[ $bad -eq 0 ] || exit 1
echo "lab-dist: $tarball ($(wc -l <"$tmp/sol.lines") solution lines checked absent)"
