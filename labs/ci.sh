#!/usr/bin/env bash
# ci.sh WORKDIR LAB... -- the labs' proof in CI (make test-labs): the
# cutter on crafted files (cut_test.sh), then per lab:
#   1. the starter tarball holds no solution line (dist.sh checks it);
#   2. the starter tree's monitor and grader build, warning-free (-Werror);
#   3. every step's grader FAILS on the starter: each check tests what the
#      student must write;
#   4. every step PASSES on the solution (this tree).
# With LAB_CI_PROGRESSIVE=1, also each student's way through the lab: for
# every step k > 1 that has code, the tree with steps 1..k-1 solved and the rest cut
# passes steps 1..k-1 and fails step k (each step's check is met by its
# own code and the steps before, not by a later one).  One build per step:
# not part of make test.
#
# Starter trees reuse this tree's objects (copied with their times; make
# rebuilds what the cut changed), except those compiled with the tree's
# own path in them (KRUN_ROOT: the graders, tests/kernel, pv, compare).
set -uo pipefail
work=$1
shift
B=${B:-build} # this tree's build folder; starter trees build into their build/
fail=0
# What the graders run (as make grade's LAB_PREREQS).
prereqs="trapvisor guests/kernel.elf guests/kernel-pv.elf tests/monitor/hostile/pt_self.elf
	 tests/monitor/hostile/victim.elf"
make --no-print-directory -s B="$B" $(printf "$B/%s " $prereqs) || exit 1
# starter_tree LAB TREE [FROM]: cut and build TREE; 0 if it built.
starter_tree() {
	local lab=$1 tree=$2
	labs/cut.sh "$lab" "$tree" ${3:-} || return 1
	mkdir -p "$tree/build"
	local to
	to=$(cd "$tree/build" && pwd)
	(cd "$B" && find . \( -path ./labs -o -path ./tests/kernel -o -path ./tests/pv -o \
		-path ./tests/compare \) -prune -o -type f -print0 |
		cpio -0pdm --quiet "$to")
	# Everything a cut region is compiled into (the monitor), what the
	# graders run and the lab's grader; the test binaries only relink the
	# same code.
	make --no-print-directory -s -C "$tree" -j2 $(printf "build/%s " $prereqs) \
		"build/labs/bin/$lab" >"$tree.build.log" 2>&1
}

# grade_step TREE LAB STEP: 0 if the step passes in TREE.
grade_step() {
	(cd "$1" && LAB_GRADE_QUIET=1 B=build labs/grade.sh "$2" "$3" >/dev/null 2>&1)
}

labs/cut_test.sh || fail=1

if [ "${LAB_CI_PROGRESSIVE:-}" = 1 ]; then
	for lab in "$@"; do
		steps=$(awk '/^step /{print $2}' "labs/$lab/steps")
		for k in $steps; do
			# (a step with no region, the whole-system one, has nothing
			# to cut: with the steps before it solved, it passes)
			[ "$k" -gt 1 ] && git grep -q "LAB $lab step $k BEGIN" -- '*.c' '*.h' '*.S' ||
				continue
			tree=$work/$lab-from$k
			starter_tree "$lab" "$tree" "$k" || { echo "FAIL $lab from $k: no build"; fail=1; continue; }
			for s in $steps; do
				[ "$s" -le "$k" ] || continue
				if grade_step "$tree" "$lab" "$s"; then got=pass; else got=fail; fi
				want=pass
				[ "$s" -lt "$k" ] || want=fail
				[ $got = $want ] && r=ok || { r=FAIL; fail=1; }
				echo "$r   $lab: steps 1..$((k - 1)) solved: step $s: $got (want $want)"
			done
			rm -rf "$tree"
		done
	done
	exit $fail
fi

for lab in "$@"; do
	echo "== test-labs: $lab"
	labs/dist.sh "$lab" "$work" >/dev/null || { echo "FAIL $lab: lab-dist"; fail=1; continue; }
	tree=$work/$lab-starter
	# (dist.sh cut it already; cut again to build it in place)
	if ! starter_tree "$lab" "$tree"; then
		echo "FAIL $lab: the starter tree does not build (see $tree.build.log)"
		fail=1
		continue
	fi
	echo "ok   $lab: starter builds warning-free"
	# A lab whose steps need a device of the host (steps: "needs: /dev/kvm")
	# is graded only where it opens; elsewhere its own venue proves it.
	need=$(awk '/^needs: /{print $2}' "labs/$lab/steps")
	if [ -n "$need" ] && ! { [ -c "$need" ] && exec 3<>"$need"; } 2>/dev/null; then
		echo "skip $lab: its steps need $need, which does not open here (make test-x86 runs it nested)"
		continue
	fi
	exec 3>&-
	steps=$(awk '/^step /{print $2}' "labs/$lab/steps")
	for s in $steps; do
		if grade_step "$tree" "$lab" "$s"; then
			echo "FAIL $lab: step $s passes on the starter (its check tests nothing the student writes)"
			fail=1
		else
			echo "ok   $lab: step $s fails on the starter"
		fi
	done
	make --no-print-directory -s B="$B" "$B/labs/bin/$lab" || { fail=1; continue; }
	if LAB_GRADE_QUIET=1 B="$B" labs/grade.sh "$lab"; then
		echo "ok   $lab: every step passes on the solution"
	else
		echo "FAIL $lab: the solution fails a step"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "test-labs: every lab proven" || echo "test-labs: FAILED"
exit $fail
