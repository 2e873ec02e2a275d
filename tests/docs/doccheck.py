#!/usr/bin/env python3
"""doccheck: the transcripts and figures the docs quote are checked by `make test`.

A doc marks a block it quotes with an HTML comment on the line just before
it (invisible in the rendered Markdown).  The block is a fenced code block,
or a paragraph/table (the lines up to the next blank line).

  <!-- doc-check -->                 the fenced block's first line is
                                     `$ COMMAND`, the rest its output
  <!-- doc-check: COMMAND -->        the whole block is COMMAND's output
  <!-- doc-check session S: COMMAND -->   a debugger session: the block's
  <!-- doc-check session S -->            `(tv) CMD` lines, in the order of
                                     all the blocks of session S in the file,
                                     are fed to COMMAND (which says
                                     `--batch -`) on stdin; each block must
                                     equal its share of the output
  <!-- doc-check: illustration -->   not checked (a screen, a sketch)

COMMAND runs with `sh -c` in the repository root, stdout and stderr in one
pipe, under a timeout.  In a block, `…` matches any text within one line,
`≈1,682` (a figure measured once, shown to the reader) matches any
number, and a line that is only `⋮` matches any number of whole lines:
use them for what varies from run to run (host ns, MIPS, seconds, temp
paths) or for output left out.  Everything else -- counts, addresses,
disassembly -- must match exactly.  A fenced block that starts with `$ `,
`(tv) ` or `(gdb) ` and has no marker is an error: a quoted transcript is
checked or says why not.

  doccheck.py [FILE.md...]       check (default: README.md docs/*.md);
                                 a mismatch prints the doc, the line and a
                                 unified diff, and the exit status is 1
  doccheck.py --update [FILE...] rewrite the blocks from today's output,
                                 keeping `…`, `≈N` and `⋮` where they fit
                                 (`make docs-update`; review with git diff)
  doccheck.py --self-test        prove that the checker catches drift
  --build DIR                    commands say build/...; run DIR/... instead
                                 (and TV_BUILD=DIR for figures.py)

Exit status: 0 all true, 1 a block differs, 2 a bad marker or usage.
"""

import argparse
import concurrent.futures
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ANY_TEXT = "…"  # within a line: any text
ANY_LINES = "⋮"  # a line of its own: any number of lines
MEASURED = re.compile(r"≈(-?[\d,]*\.?\d+)")  # a measured figure: any number
NUMBER = r"-?[\d,]*\.?\d+"
MARK = re.compile(r"^<!--\s*doc-check(?P<rest>.*?)\s*-->\s*$")
SESSION = re.compile(r"^session\s+(?P<name>[\w-]+)\s*(?::\s*(?P<cmd>.*))?$")
TIMEOUT = 120


class DocError(Exception):
    """A bad marker: the doc names the file and line."""


class Block:
    """One marked block: where it is, what it says, how to produce it."""

    def __init__(self, path, mark_line, first, last, lines, kind, cmd, session=None):
        self.path = path  # the doc
        self.mark_line = mark_line  # 1-based line of the marker
        self.first, self.last = first, last  # 0-based [first, last) of the quoted lines
        self.lines = lines  # the quoted lines (patterns)
        self.kind = kind  # "dollar", "cmd", "session"
        self.cmd = cmd
        self.session = session
        self.actual = None  # the output lines this block must equal


def parse(path):
    """Every marked block of one doc, and its text as a list of lines."""
    with open(path, encoding="utf-8") as f:
        text = f.read().split("\n")
    blocks, sessions = [], {}
    in_fence, i = False, 0
    while i < len(text):
        line = text[i]
        if line.startswith("```"):
            if not in_fence:
                head = text[i + 1] if i + 1 < len(text) else ""
                marked = i > 0 and MARK.match(text[i - 1])
                if not marked and head.startswith(("$ ", "(tv) ", "(gdb) ")):
                    raise DocError(f"{path}:{i + 2}: a quoted transcript without a doc-check marker")
            in_fence = not in_fence
            i += 1
            continue
        m = None if in_fence else MARK.match(line)
        if not m:
            i += 1
            continue
        rest = m.group("rest").strip()
        where = f"{path}:{i + 1}"
        if rest == ": illustration" or rest.startswith(": illustration "):
            i += 1
            continue
        if i + 1 >= len(text) or not text[i + 1].strip():
            raise DocError(f"{where}: doc-check marker not followed by a block")
        if text[i + 1].startswith("```"):
            first = i + 2
            last = first
            while last < len(text) and not text[last].startswith("```"):
                last += 1
            if last == len(text):
                raise DocError(f"{where}: the fenced block never ends")
        else:
            first = last = i + 1
            while last < len(text) and text[last].strip():
                last += 1
        lines = text[first:last]
        if rest == "":
            if not lines or not lines[0].startswith("$ "):
                raise DocError(f"{where}: `doc-check` without a command needs a block starting `$ `")
            blk = Block(path, i + 1, first + 1, last, lines[1:], "dollar", lines[0][2:])
        elif rest.startswith(":"):
            cmd = rest[1:].strip()
            if not cmd:
                raise DocError(f"{where}: doc-check: with no command")
            blk = Block(path, i + 1, first, last, lines, "cmd", cmd)
        else:
            s = SESSION.match(rest)
            if not s:
                raise DocError(f"{where}: cannot read the marker `{rest}`")
            name, cmd = s.group("name"), s.group("cmd")
            if name in sessions and cmd:
                raise DocError(f"{where}: session {name} already has its command")
            if name not in sessions and not cmd:
                raise DocError(f"{where}: the first block of session {name} names no command")
            cmd = cmd or sessions[name]
            sessions[name] = cmd
            if not lines or not lines[0].startswith("(tv) "):
                raise DocError(f"{where}: a session block must start with a `(tv) ` line")
            blk = Block(path, i + 1, first, last, lines, "session", cmd, name)
        blocks.append(blk)
        i = last + 1 if text[i + 1].startswith("```") else last
    return text, blocks


def run(cmd, build, stdin=None):
    """COMMAND's output lines (stdout and stderr together), trailing blanks cut."""
    if build != "build":
        cmd = re.sub(r"(?<![\w./-])build/", build.rstrip("/") + "/", cmd)
    try:
        p = subprocess.run(["sh", "-c", cmd], input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT, text=True,
                           env=dict(os.environ, TV_BUILD=build))
        out = p.stdout
    except subprocess.TimeoutExpired:
        out = f"doccheck: `{cmd}` did not end within {TIMEOUT} s\n"
    lines = [l.rstrip() for l in out.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def line_re(pattern):
    """A doc line as a regex: `…` is any text, `≈NUMBER` any number, the
    rest literal."""

    def literal(part):
        pieces = MEASURED.split(part)  # text, number, text, number, ...
        return "".join(re.escape(p) if k % 2 == 0 else "≈?" + NUMBER for k, p in enumerate(pieces))

    return re.compile(".*".join(literal(p) for p in pattern.rstrip().split(ANY_TEXT)) + r"\Z")


def merge(pattern, actual):
    """A changed line for --update: the new text, keeping a `…` token where
    the doc had one and the token count still lines up."""
    pt, at = re.split(r"(\s+)", pattern), re.split(r"(\s+)", actual)
    if (ANY_TEXT not in pattern and "≈" not in pattern) or len(pt) != len(at):
        return actual
    keep = lambda p, a: (ANY_TEXT in p or "≈" in p) and line_re(p).match(a)
    return "".join(p if keep(p, a) else a for p, a in zip(pt, at))


def align(patterns, actual):
    """Align doc lines with output lines (edit distance; `⋮` takes any run of
    lines for free).  Returns (cost, expected-as-shown, rewritten-doc)."""
    n, m = len(patterns), len(actual)
    res = [line_re(p) for p in patterns]
    INF = float("inf")
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    step = [[None] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best, how = INF, None
            if i < n and patterns[i].strip() == ANY_LINES:
                if cost[i + 1][j] < best:
                    best, how = cost[i + 1][j], "skip-any"
                if j < m and cost[i][j + 1] < best:
                    best, how = cost[i][j + 1], "eat"
            elif i < n and j < m:
                c = 0 if res[i].match(actual[j]) else 1
                if c + cost[i + 1][j + 1] < best:
                    best, how = c + cost[i + 1][j + 1], "pair"
            if i < n and patterns[i].strip() != ANY_LINES and 1 + cost[i + 1][j] < best:
                best, how = 1 + cost[i + 1][j], "del"
            if j < m and 1 + cost[i][j + 1] < best:
                best, how = 1 + cost[i][j + 1], "ins"
            cost[i][j], step[i][j] = best, how
    shown, rewritten, i, j = [], [], 0, 0
    while (i, j) != (n, m):
        how = step[i][j]
        if how == "skip-any":
            rewritten.append(patterns[i])
            i += 1
        elif how == "eat":  # the `⋮` itself is kept by its skip-any
            shown.append(actual[j])
            j += 1
        elif how == "pair":
            ok = res[i].match(actual[j])
            shown.append(actual[j] if ok else patterns[i])
            rewritten.append(patterns[i] if ok else merge(patterns[i], actual[j]))
            i, j = i + 1, j + 1
        elif how == "del":
            shown.append(patterns[i])
            i += 1
        else:
            rewritten.append(actual[j])
            j += 1
    return cost[0][0], shown, rewritten


def produce(blocks, build):
    """Run every block's command (two at a time) and hand each its output."""
    jobs = {}
    sessions = {}
    for b in blocks:
        if b.kind == "session":
            sessions.setdefault((b.path, b.session), []).append(b)
        else:
            jobs[("one", id(b))] = (b.cmd, None, [b])
    for (path, name), bs in sessions.items():
        script = [l[5:] for b in bs for l in b.lines if l.startswith("(tv) ")]
        jobs[("session", path, name)] = (bs[0].cmd, "\n".join(script) + "\n", bs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futs = {k: pool.submit(run, cmd, build, stdin) for k, (cmd, stdin, _) in jobs.items()}
        for k, (cmd, stdin, bs) in jobs.items():
            out = futs[k].result()
            if stdin is None:
                bs[0].actual = out
                continue
            # Split the batch output at its `(tv) ` echoes, in the blocks' shares.
            chunks, cur = [], None
            for line in out:
                if line.startswith("(tv) "):
                    cur = [line]
                    chunks.append(cur)
                elif cur is not None:
                    cur.append(line)
                else:
                    chunks.append([line])  # before the first command: not expected
            pos = 0
            for b in bs:
                n = sum(1 for l in b.lines if l.startswith("(tv) "))
                b.actual = [l for c in chunks[pos : pos + n] for l in c]
                pos += n
            if pos < len(chunks):
                bs[-1].actual += [l for c in chunks[pos:] for l in c]


def check(paths, build, update=False, out=sys.stdout):
    """Check (or rewrite) every marked block of PATHS; 0 if all true, else 1."""
    docs = {p: parse(p) for p in paths}
    produce([b for _, bs in docs.values() for b in bs], build)
    bad = 0
    for path, (text, blocks) in docs.items():
        changed = False
        for b in reversed(blocks):  # from the end, so line numbers hold
            c, shown, rewritten = align(b.lines, b.actual)
            if c == 0:
                continue
            bad += 1
            if update:
                text[b.first : b.last] = rewritten
                changed = True
                continue
            print(f"{b.path}:{b.first + 1}: the quoted output of `{b.cmd}` has drifted "
                  f"(marker on line {b.mark_line}); `make docs-update` rewrites it", file=out)
            diff = difflib.unified_diff(shown, b.actual, f"{b.path} (line {b.first + 1})",
                                        "today's output", lineterm="", n=2)
            for d in diff:
                print(d, file=out)
        if changed:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(text))
            print(f"doccheck: rewrote {path}", file=out)
    n = sum(len(bs) for _, bs in docs.values())
    if update:
        print(f"doccheck: {bad} of {n} blocks rewritten", file=out)
        return 0
    if bad:
        print(f"doccheck: {bad} of {n} quoted blocks differ from today's output", file=out)
        return 1
    print(f"doccheck: {n} quoted blocks in {len(paths)} docs are true", file=out)
    return 0


def drift(doc, kind, needle, tmp, build, expect):
    """Copy DOC to TMP, add one to the first number of the line with NEEDLE
    in a block of KIND: the check must fail there, --update must restore it."""
    copy = os.path.join(tmp, os.path.basename(doc))
    shutil.copy(doc, copy)
    _, blocks = parse(copy)
    hit = [b for b in blocks if b.kind == kind and any(needle in l for l in b.lines)]
    expect(f"{doc} quotes a checked {kind} block with `{needle}`", bool(hit))
    if not hit:
        return
    with open(copy, encoding="utf-8") as f:
        text = f.read().split("\n")
    ln = next(k for k in range(hit[0].first, hit[0].last) if needle in text[k])
    good = text[ln]
    text[ln] = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), good, count=1)
    with open(copy, "w", encoding="utf-8") as f:
        f.write("\n".join(text))
    log = os.path.join(tmp, "log")
    with open(log, "w") as lf:
        st = check([copy], build, out=lf)
    with open(log) as lf:
        report = lf.read()
    expect(f"{doc}: one changed count fails the check", st == 1)
    expect(f"{doc}: the report names the doc and the block's line", f"{copy}:{hit[0].first + 1}:" in report)
    expect(f"{doc}: the diff shows the doc's line and today's", f"-{text[ln]}" in report and f"+{good}" in report)
    with open(log, "w") as lf:
        check([copy], build, update=True, out=lf)
    with open(copy, encoding="utf-8") as f, open(doc, encoding="utf-8") as g:
        expect(f"{doc}: --update restores the doc exactly", f.read() == g.read())


def self_test(build):
    """Drift must fail the check and --update must repair it; the placeholders
    must match what they say and nothing more.  Returns 0 or 1."""
    fails = []

    def expect(what, cond):
        print(f"  {'ok  ' if cond else 'FAIL'} {what}")
        if not cond:
            fails.append(what)

    expect("`…` matches any text in a line", line_re("host seconds: …").match("host seconds: 0.436"))
    expect("`≈N` matches any number", line_re("| 1 | ≈1,682 |").match("| 1 | 17.5 |"))
    expect("`≈N` matches only a number", not line_re("| ≈1,682 |").match("| n/a |"))
    expect("`…` does not hide a count", not line_re("traps: 84780 …").match("traps: 84781 (x)"))
    expect("`⋮` takes any run of lines", align(["a", ANY_LINES, "z"], ["a", "b", "c", "z"])[0] == 0)
    expect("`⋮` takes no lines too", align(["a", ANY_LINES, "z"], ["a", "z"])[0] == 0)
    expect("a missing line is drift", align(["a", "b"], ["a"])[0] > 0)
    expect("an extra line is drift", align(["a"], ["a", "b"])[0] > 0)
    expect("update keeps `…` and `≈N` where they still fit",
           align(["n 1   …   ≈5"], ["n 2   77   6"])[2] == ["n 2   …   ≈5"])

    # Real docs, one count changed in a copy: a --stats transcript, and a
    # line in the middle of a debugger session spread over several blocks.
    for doc, kind, needle in [("docs/monitor.md", "dollar", "instructions retired"),
                              ("docs/debugger.md", "session", "Breakpoint 1 at")]:
        with tempfile.TemporaryDirectory(prefix="doccheck.") as tmp:
            drift(doc, kind, needle, tmp, build, expect)
    print(f"doccheck self-test: {'FAILED: ' + ', '.join(fails) if fails else 'all passed'}")
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description="check the docs' quoted transcripts and figures")
    ap.add_argument("--update", action="store_true", help="rewrite drifted blocks")
    ap.add_argument("--self-test", action="store_true", help="prove the checker catches drift")
    ap.add_argument("--build", default="build", help="the build folder the commands run")
    ap.add_argument("docs", nargs="*", help="Markdown files (default README.md docs/*.md)")
    a = ap.parse_args()
    try:
        if a.self_test:
            return self_test(a.build)
        paths = a.docs or ["README.md"] + sorted(glob.glob("docs/*.md"))
        for p in paths:
            if not os.path.isfile(p):
                print(f"doccheck: {p}: no such file", file=sys.stderr)
                return 2
        return check(paths, a.build, a.update)
    except DocError as e:
        print(f"doccheck: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
