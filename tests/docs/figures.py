#!/usr/bin/env python3
"""figures: the tables of deterministic counts that the docs quote, printed
from today's `trapvisor run --stats`, for doccheck.py to compare with the
doc (`<!-- doc-check: python3 tests/docs/figures.py TABLE -->` before the
table).  Every figure is a count (instructions, traps, fills), never a time.

  figures.py traps   docs/monitor.md: traps per program, --mode=trap
  figures.py bt      docs/pushf-popf.md: traps under trap and under bt
  figures.py pv      docs/pushf-popf.md: traps and emulations under pv
  figures.py modes   docs/comparison.md: `bench modes`, per iteration
  figures.py paper   docs/comparison.md: beside the paper's cycles
  figures.py gdb     docs/debugger.md: a gdb-multiarch session on the stub
  figures.py trace   docs/monitor.md: the first ecall record of a --trace
"""

import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import tempfile

B = os.environ.get("TV_BUILD", "build")  # doccheck --build DIR sets it
TRAPVISOR = f"{B}/trapvisor"
KERNEL = f"{B}/guests/kernel.elf"
PROGRAMS = ["hello", "primes", "memtouch", "syscalls", "ptchurn", "spawnloop", "pingpong"]


# Monitor actions that are plain loads and stores, not sensitive instructions.
NOT_SENSITIVE = ("emulate MMIO", "emulate write to write-protected page", "emulate access across")


def stats(prog, *opts, kernel=KERNEL):
    """The --stats counters of one run of the teaching kernel, as a dict;
    "emulations" counts the sensitive instructions the monitor emulated,
    "hypercalls" every hypercall row."""
    cmd = [TRAPVISOR, "run", *opts, "--stats", "--append", "run=" + prog, kernel]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=120).stdout
    pats = {
        "insns": r"^instructions retired: (\d+)",
        "traps": r"^traps to the monitor: (\d+)",
        "fills": r"^  fills (\d+),",
        "wp": r"^  write-protect traps (\d+),",
        "rewritten": r"^  traps at rewritten instructions (\d+)",
    }
    got = {}
    for key, pat in pats.items():
        m = re.search(pat, out, re.M)
        got[key] = int(m.group(1)) if m else None
    actions = re.findall(r"^  ([a-z].*?)\s+(\d+)\s+\d+$", out, re.M)
    got["emulations"] = sum(int(c) for a, c in actions
                            if a.startswith("emulate") and not a.startswith(NOT_SENSITIVE))
    got["hypercalls"] = sum(int(c) for a, c in actions if a.startswith("hypercall"))
    if got["insns"] is None:
        sys.exit(f"figures: `{' '.join(cmd)}` printed no stats:\n{out}")
    return got


def runs(specs, kernel=KERNEL):
    """stats() of every (prog, opts...) in SPECS, two at a time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda s: stats(*s, kernel=kernel), specs))


def n(v):
    return f"{v:,}"


def traps():
    print("| program | guest instructions | traps | shadow fills | write-protect traps |")
    print("|---|---|---|---|---|")
    for prog, s in zip(PROGRAMS, runs([(p,) for p in PROGRAMS])):
        print(f"| {prog} | {n(s['insns'])} | {n(s['traps'])} | {n(s['fills'])} | {n(s['wp'])} |")


def bt():
    progs = PROGRAMS + ["critical", "detect"]
    specs = [(p,) for p in progs] + [(p, "--mode=bt", "--isa=legacy") for p in progs]
    got = runs(specs)
    print("| program | traps, strict + trap | traps, legacy + bt | of which at rewritten instructions |")
    print("|---|---|---|---|")
    for k, prog in enumerate(progs):
        t, b = got[k], got[len(progs) + k]
        print(f"| {prog} | {n(t['traps'])} | {n(b['traps'])} | {n(b['rewritten'])} |")


def pv():
    progs = PROGRAMS + ["critical", "detect"]
    trap = runs([(p,) for p in progs])
    para = runs([(p, "--mode=pv") for p in progs], kernel=f"{B}/guests/kernel-pv.elf")
    print("| program | traps, strict + trap | traps, PV + pv | emulations, trap | emulations, pv "
          "| hypercalls, pv | of pv's traps: shadow fills |")
    print("|---|---|---|---|---|---|---|")
    for prog, t, v in zip(progs, trap, para):
        print(f"| {prog} | {n(t['traps'])} | {n(v['traps'])} | {n(t['emulations'])} | "
              f"{n(v['emulations'])} | {n(v['hypercalls'])} | {n(v['fills'])} |")


def bench_modes(*opts):
    """`trapvisor bench modes --csv` (one run each: only the host ns would
    gain from more), as (kind, row, [insns, traps, exits, walk, cost, ns])."""
    out = subprocess.run([TRAPVISOR, "bench", "modes", "--runs", "1", "--csv", *opts],
                         stdout=subprocess.PIPE, text=True, timeout=300, check=True).stdout
    for line in out.strip().split("\n")[1:]:
        kind, row, *nums = line.split(",")
        yield kind, row, list(map(float, nums))


def modes():
    """The table of `trapvisor bench modes` as Markdown.  Its counts are
    exact; its host ns are printed as measured figures (`≈`), which
    doccheck shows but does not compare."""

    def fig(v, decimals):  # 12,661.27 and 1.012, but 3 and 0, not 3.00
        s = f"{v:,.{decimals}f}"
        return s.split(".")[0] if float(s.replace(",", "")) == round(v) else s

    print("| kind | row | insns | traps | exits | walk refs | cost | vs bare | host ns |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    bare = {}
    for kind, row, nums in bench_modes():
        insns, traps, exits, walk, cost, ns = nums
        bare.setdefault(kind, cost)
        first = kind if row == "bare" else ""
        print(f"| {first} | {row} | {fig(insns, 2)} | {fig(traps, 3)} | {fig(exits, 3)} | "
              f"{fig(walk, 2)} | {round(cost):,} | {cost / bare[kind]:.2f}× | ≈{round(ns):,} |")


def paper():
    """docs/comparison.md's table beside Adams and Agesen's cycles: the cost
    of a page fault and a PTE write natively, under bt and under vt-shadow."""
    cost = {(k, r): nums[4] for k, r, nums in
            bench_modes("--kinds", "pgfault,ptewrite", "--rows", "bare,bt,vt-shadow")}
    print("| | native | software VMM (binary translation) | hardware VMM (VT-x, shadow paging) |")
    print("|---|---:|---:|---:|")
    for kind, name, cycles in [("pgfault", "page fault", "1,093 | 3,927 | 11,242"),
                               ("ptewrite", "PTE write", "~1 | 391 | 12,733")]:
        c = [f"{round(cost[(kind, r)]):,}" for r in ("bare", "bt", "vt-shadow")]
        print(f"| {name} (paper, cycles) | {cycles} |")
        print(f"| {name} (trapvisor, cost) | {c[0]} | {c[1]} (`bt`) | {c[2]} (`vt-shadow`) |")


def gdb():
    """`break sys_write`, `continue`, `bt` in gdb-multiarch against the stub
    of `trapvisor debug --gdb`, printed as the interactive session reads."""
    with socket.socket() as s:  # a free port: the kernel picks, we release it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    stub = subprocess.Popen([TRAPVISOR, "debug", "--gdb", str(port), "--append", "run=hello",
                             KERNEL], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        stub.stderr.readline()  # "waiting for gdb on ...": it listens now
        cmd = ["gdb-multiarch", "-nx", "-batch", KERNEL, "-ex", f"target remote :{port}"]
        for c in ["break sys_write", "continue", "bt"]:
            cmd += ["-ex", f"echo (gdb) {c}\\n", "-ex", c]
        out = subprocess.run(cmd + ["-ex", "kill"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=60).stdout
    finally:
        stub.wait(timeout=10)
    lines = out.expandtabs(8).split("\n")
    start = next((k for k, l in enumerate(lines) if l.startswith("(gdb) ")), 0)
    for line in lines[start:]:
        if line.startswith("Kill the program"):
            break
        if line.strip():
            print(line.rstrip())


def trace():
    """The first `reflect ecall-from-U` record of a --trace, cut into lines."""
    with tempfile.TemporaryDirectory(prefix="figures.") as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        subprocess.run([TRAPVISOR, "run", "--trace", path, "--append", "run=syscalls:50", KERNEL],
                       stdout=subprocess.DEVNULL, timeout=60)
        with open(path) as f:
            rec = next(l for l in f if '"cause_name":"ecall-from-U"' in l).strip()
    rec = rec.replace(',"pc":', ',\n "pc":').replace(',"action":', ',\n "action":')
    print(rec)


TABLES = {"traps": traps, "bt": bt, "pv": pv, "modes": modes, "paper": paper, "gdb": gdb, "trace": trace}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TABLES:
        sys.exit(f"usage: figures.py {'|'.join(TABLES)}")
    TABLES[sys.argv[1]]()
