#!/usr/bin/env bash
# ci.sh WORKDIR LAB... -- the labs' proof in CI (make test-labs), per lab:
#   1. the starter tarball holds no solution line (dist.sh checks it);
#   2. the starter tree's monitor and grader build, warning-free (-Werror);
#   3. every step's grader FAILS on the starter: each check tests what the
#      student must write;
#   4. every step PASSES on the solution (this tree).
# Starter trees reuse this tree's objects (copied with their times; make
# rebuilds what the cut changed), except those compiled with the tree's
# own path in them (KRUN_ROOT: the graders, tests/kernel, pv, compare).
set -uo pipefail
work=$1
shift
fail=0
make --no-print-directory -s build/trapvisor build/guests/kernel.elf build/guests/kernel-pv.elf || exit 1
for lab in "$@"; do
	echo "== test-labs: $lab"
	labs/dist.sh "$lab" "$work" >/dev/null || { echo "FAIL $lab: lab-dist"; fail=1; continue; }
	tree=$work/$lab-starter
	mkdir -p "$tree/build"
	(cd build && find . \( -path ./labs -o -path ./tests/kernel -o -path ./tests/pv -o \
		-path ./tests/compare \) -prune -o -type f -print0 |
		cpio -0pdm --quiet "../$tree/build")
	# Everything a cut region is compiled into (the monitor), the kernel
	# and the lab's grader; the test binaries only relink the same code.
	if ! make --no-print-directory -s -C "$tree" -j2 build/trapvisor build/guests/kernel.elf \
		build/guests/kernel-pv.elf \
		"build/labs/bin/$lab" >"$work/$lab-build.log" 2>&1; then
		echo "FAIL $lab: the starter tree does not build (see $work/$lab-build.log)"
		fail=1
		continue
	fi
	echo "ok   $lab: starter builds warning-free"
	steps=$(awk '/^step /{print $2}' "labs/$lab/steps")
	for s in $steps; do
		if (cd "$tree" && LAB_GRADE_QUIET=1 labs/grade.sh "$lab" "$s" >"../$lab-step$s.log" 2>&1); then
			echo "FAIL $lab: step $s passes on the starter (its check tests nothing the student writes)"
			fail=1
		else
			echo "ok   $lab: step $s fails on the starter"
		fi
	done
	make --no-print-directory -s "build/labs/bin/$lab" || { fail=1; continue; }
	if LAB_GRADE_QUIET=1 labs/grade.sh "$lab"; then
		echo "ok   $lab: every step passes on the solution"
	else
		echo "FAIL $lab: the solution fails a step"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "test-labs: every lab proven" || echo "test-labs: FAILED"
exit $fail
