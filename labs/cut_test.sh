#!/usr/bin/env bash
# cut_test.sh -- the cutter on crafted files (run by ci.sh): a good region
# becomes exactly its stub, other labs' regions and earlier steps (FROM)
# stay, and each malformed region is refused with one line and status 2.
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cut() { labs/cut.awk -v lab=demo -v from="${2:-0}" "$tmp/$1.c"; }
check() { # check NAME WHAT: report
	if [ "$2" = ok ]; then echo "ok   cut: $1"; else echo "FAIL cut: $1"; fail=1; fi
}

cat >"$tmp/good.c" <<'C'
int f(int x)
{
	/* LAB demo step 1 BEGIN: double it */
	x *= 2;
	/* LAB STUB */
	//| (void)0;
	//|	return 0;
	/* LAB END */
	/* LAB other step 1 BEGIN: not this lab */
	x++;
	/* LAB STUB */
	//| x--;
	/* LAB END */
	/* LAB demo step 2 BEGIN: add one */
	x += 1;
	/* LAB STUB */
	/* LAB END */
	return x;
}
C
cat >"$tmp/want.c" <<'C'
int f(int x)
{
	/* LAB demo step 1 BEGIN: double it */
	(void)0;
		return 0;
	/* LAB END */
	/* LAB other step 1 BEGIN: not this lab */
	x++;
	/* LAB STUB */
	//| x--;
	/* LAB END */
	/* LAB demo step 2 BEGIN: add one */
	/* LAB END */
	return x;
}
C
cut good >"$tmp/got.c" 2>&1 && cmp -s "$tmp/got.c" "$tmp/want.c" && r=ok || r=bad
check "a region becomes its stub, another lab's stays" $r
cut good 2 >"$tmp/got2.c" 2>&1 && grep -q 'x \*= 2;' "$tmp/got2.c" && ! grep -q 'x += 1;' "$tmp/got2.c" &&
	r=ok || r=bad
check "FROM 2 keeps step 1 solved, cuts step 2" $r

bad() { # bad NAME BODY: the cutter must refuse it
	printf '%b' "$2" >"$tmp/$1.c"
	local out rc
	out=$(cut "$1" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ $out == cut:* ]] && r=ok || r=bad
	check "refuses $1 ($out)" $r
}
bad no_stub '/* LAB demo step 1 BEGIN */\nx;\n/* LAB END */\n'
bad no_end '/* LAB demo step 1 BEGIN */\nx;\n/* LAB STUB */\n//| y;\n'
bad nested '/* LAB demo step 1 BEGIN */\n/* LAB demo step 2 BEGIN */\n'
bad bare_stub '/* LAB demo step 1 BEGIN */\nx;\n/* LAB STUB */\ny;\n/* LAB END */\n'
exit $fail
