#!/usr/bin/env bash
# run.sh BUILD_FUZZ TARGET SECONDS: replay tests/fuzz/regress/TARGET/ (every
# input that once crashed it), then fuzz TARGET for SECONDS from its seeds
# and its kept corpus.  A crash fails (exit 1) and leaves the input in
# BUILD_FUZZ/crashes/TARGET/, to be added to regress/ once fixed.
set -euo pipefail
b=$1 t=$2 secs=$3
bin=$b/bin/$t corpus=$b/corpus/$t crashes=$b/crashes/$t log=$b/log/$t.log
mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
regress=tests/fuzz/regress/$t
inputs=
[ -d "$regress" ] && inputs=$(find "$regress" -type f | sort)
if [ -n "$inputs" ]; then
  # shellcheck disable=SC2086
  if ! "$bin" $inputs >"$log" 2>&1; then
    tail -n 40 "$log"; echo "fuzz $t: a regression input crashes again"; exit 1
  fi
fi
if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
     -artifact_prefix="$crashes/" "$corpus" "$b/seeds/$t" >"$log" 2>&1; then
  tail -n 40 "$log"; echo "fuzz $t: crashed, input in $crashes/"; exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "fuzz $t: $(echo "$inputs" | wc -w) regression inputs, ${runs:-?} runs in ${secs} s, no crash"
