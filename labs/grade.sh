#!/usr/bin/env bash
# grade.sh LAB [STEP] -- run lab LAB's grader step by step (make grade).
#
# labs/LAB/steps lists the steps, one block each:
#
#	step N POINTS TITLE
#	show: a command that shows the step at work (run from the tree's top)
#	hint: one line of hint
#
# and, before the steps, "needs: DEVICE" if the grader needs a device of
# the host (lab kvm: /dev/kvm).
#
# Step N's checks are the Criterion tests of suite stepN in the lab's
# grader (build/labs/bin/LAB).  Every step is printed with PASS or FAIL
# and its points; the first failing step is explained (what failed, the
# hint, the command that shows it).  Exit status 0 only if every step
# graded passes.  LAB_GRADE_QUIET=1 prints one line per step only (CI);
# B names the build folder (build/ by default, as in the Makefile).
set -uo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: labs/grade.sh LAB [STEP]" >&2; exit 2; }
lab=$1 only=${2:-}
steps=labs/$lab/steps
bin=${B:-build}/labs/bin/$lab
[ -f "$steps" ] || { echo "grade: no lab '$lab' (no $steps)" >&2; exit 2; }
[ -x "$bin" ] || { echo "grade: no grader $bin (run make grade, which builds it)" >&2; exit 2; }
case "$only" in '' | *[!0-9]*) [ -z "$only" ] || { echo "grade: STEP must be a number" >&2; exit 2; } ;; esac

# Every run of the grader is bounded: each test has its own timeout
# (in the grader), and the whole step this one.
step_timeout=${LAB_STEP_TIMEOUT:-300}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

declare -a num pts title show hint
n=0
while IFS= read -r line; do
	case "$line" in
	"step "*)
		read -r _ s p t <<<"$line"
		num[n]=$s pts[n]=$p title[n]=$t show[n]="" hint[n]=""
		n=$((n + 1))
		;;
	"show: "*) show[n - 1]=${line#show: } ;;
	"hint: "*) hint[n - 1]=${line#hint: } ;;
	esac
done <"$steps"
if [ -n "$only" ] && ! printf '%s\n' "${num[@]}" | grep -qx "$only"; then
	echo "grade: lab $lab has no step $only (steps: ${num[*]})" >&2
	exit 2
fi

score=0 total=0 failed=0 explained=0
echo "== lab $lab: $n steps"
# A lab that needs a device of the host ("needs: /dev/kvm" in its steps)
# says so before its steps fail for the want of it.
need=$(awk '/^needs: /{print $2}' "$steps")
if [ -n "$need" ] && ! { [ -c "$need" ] && exec 3<>"$need"; } 2>/dev/null; then
	echo "== grading lab $lab needs $need, which does not open here: every step will fail;"
	echo "   on a machine without it, make test-x86 runs the lab in its nested venue"
fi
exec 3>&-
for ((i = 0; i < n; i++)); do
	s=${num[i]}
	[ -z "$only" ] || [ "$s" = "$only" ] || continue
	total=$((total + pts[i]))
	timeout "$step_timeout" "$bin" --jobs=2 --short-filename --filter "step$s/*" >"$log" 2>&1
	rc=$?
	# A step passes when its tests ran (Criterion prints "Synthesis") and
	# none failed; a step with no tests is a broken grader, never a pass.
	if [ $rc -eq 0 ] && grep -q "Tested: [1-9]" "$log"; then
		printf 'step %-2s %-58s PASS  %2d/%d\n' "$s" "${title[i]}" "${pts[i]}" "${pts[i]}"
		score=$((score + pts[i]))
		continue
	fi
	failed=$((failed + 1))
	[ $rc -eq 124 ] && why=" (timed out after ${step_timeout}s)" || why=""
	printf 'step %-2s %-58s FAIL   0/%d%s\n' "$s" "${title[i]}" "${pts[i]}" "$why"
	if [ $explained -eq 0 ] && [ -z "${LAB_GRADE_QUIET:-}" ]; then
		explained=1
		echo "   what failed:"
		# Criterion prints each failed check's message, then the test's
		# [FAIL] line; blank message lines and the banner are left out.
		grep -E '\[----\]|\[FAIL\]|CRASH|Timed out|Assertion' "$log" |
			grep -vE '^\[----\] Criterion|^\[----\][[:space:]]*$' | sed 's/^/     /' | head -40
		echo "   hint: ${hint[i]}"
		echo "   see it: ${show[i]}"
		echo "   handout: labs/$lab/README.md, step $s"
	fi
done
echo "== score: $score/$total"
[ $failed -eq 0 ]
