#!/usr/bin/env bash
# start.sh LAB OUTDIR DIR -- a student's workspace for lab LAB (make
# lab-start): the starter tarball unpacked in DIR as a git repository
# whose only commit is the starter, so `git diff` shows exactly what the
# student wrote.  It is a repository of its own, not a branch of the
# project's: the project's history holds the solution.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: labs/start.sh LAB OUTDIR DIR" >&2; exit 2; }
lab=$1 outdir=$2 dir=$3
if [ -e "$dir" ]; then
	echo "lab-start: $dir exists; remove it or say LABDIR=another" >&2
	exit 2
fi
labs/dist.sh "$lab" "$outdir"
mkdir -p "$dir"
tar -xzf "$outdir/$lab-starter.tar.gz" -C "$dir" --strip-components=1
git -C "$dir" init -q
git -C "$dir" add -A
git -C "$dir" -c user.name=trapvisor -c user.email=labs@trapvisor.invalid \
	commit -q -m "lab $lab: starter code"
echo "lab-start: workspace $dir (cd there; read labs/$lab/README.md; make grade)"
