#!/usr/bin/awk -f
# cut.awk -v lab=NAME [-v from=N] FILE -- FILE with lab NAME's regions
# cut (cut.sh); with `from`, only those of steps N and later.
# state 0: outside; 1: in the solution; 2: in the stub.
function fail(msg) {
	printf "cut: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
	exit 2
}
BEGIN { state = 0 }
{
	mine = $0 ~ ("/\\* LAB " lab " step [0-9]+ BEGIN")
	if (mine && from) {
		# Steps before `from` stay solved (progressive checks).
		n = $0
		sub(/.* step /, "", n)
		if (n + 0 < from + 0)
			mine = 0
	}
	if (mine) {
		if (state) fail("a region begins inside a region")
		state = 1
		begin = FNR
		print
		next
	}
	if (state == 1) {
		if ($0 ~ /\/\* LAB STUB \*\//) state = 2
		else if ($0 ~ /\/\* LAB END \*\//) fail("region without /* LAB STUB */")
		next
	}
	if (state == 2) {
		if ($0 ~ /\/\* LAB END \*\//) { state = 0; print; next }
		if ($0 !~ /^[ \t]*\/\/\|/) fail("stub line without //|")
		line = $0
		sub(/\/\/\| ?/, "", line)
		print line
		next
	}
	print
}
END { if (!bad && state) { FNR = begin; fail("region never ends") } }
