#!/usr/bin/env python3
"""Benchmark harness for bench/explore.sh (Python 3 standard library only).

Compares `crit x DIR ps|fds|mems|rss` of the C crit against Python CRIT
(/usr/bin/crit, 3.17) on two checkpoint directories:
  the largest real fixture   of the fixture folders with all four
             ref/x-{ps,fds,mems,rss}.txt, the one whose files (not counting
             ref/) add up to the most bytes.  ./crit must print ref/x-WHAT.txt
             (upstream Python CRIT 4.2's output) byte for byte.
  a synthetic checkpoint     made by bench/mkcheckpoint.py (--checkpoint),
             TASKS tasks.  ./crit must print expect/x-WHAT.txt, what the
             generator computed with Python CRIT's algorithm, and Python
             CRIT 3.17 must print the same bytes as ./crit.
First checks every output, then times both tools.

Measuring (helpers in bench/benchlib.py, shared with bench/bench.py and
bench/encode.py):
  wall time  best of N runs of `TOOL x DIR WHAT`, started with posix_spawn,
             stdout and stderr on /dev/null, spawn+wait timed with
             time.perf_counter().  The checking run counts as one sample
             when it took >= 1 s (it can only be slower than a plain run).
  peak RSS   ru_maxrss of the tool on the checking run (stdout to a temp
             file), from `/usr/bin/time -f %M`, else from a python3 wrapper
             (an upper bound).
Exit status: 0 all good; 1 ./crit failed or differed from ref/ / expect/,
or ./crit and Python CRIT differ on the synthetic checkpoint; 2 fatal.
"""

import difflib
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True   # no bench/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (arg_parser, fill_times, finish, fmt_kib,  # noqa: E402
                      fmt_ratio, fmt_size, fmt_time, log,
                      print_ratio_and_machine, print_table, read,
                      spawn_floor, start)

EXPLORERS = ("ps", "fds", "mems", "rss")

# The images Python CRIT's explorer reads (strace), the least its output
# needs: reading them is part of the floor under any tool's time.
READS = {
    "ps": ("pstree.img", "core-*.img"),
    "fds": ("pstree.img", "files.img", "ids-*.img", "fs-*.img",
            "fdinfo-*.img"),
    "mems": ("pstree.img", "files.img", "mm-*.img"),
    "rss": ("pstree.img", "files.img", "mm-*.img", "pagemap-*.img"),
}


def read_floor(floor_bin, d, what, passes=10):
    """(files, seconds): the best of `passes` times bench/floor.c takes to
    open, fstat, read and close the images READS[what] of d one by one;
    None without floor_bin."""
    if not floor_bin:
        return None
    out = subprocess.run([floor_bin, str(passes), d] + list(READS[what]),
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    files, usec = out.stdout.split()
    return int(files), int(usec) / 1e6


def dir_files(d):
    """(number, total bytes) of the regular files right in d (not ref/)."""
    sizes = [e.stat().st_size for e in os.scandir(d)
             if e.is_file(follow_symlinks=False)]
    return len(sizes), sum(sizes)


def pick_fixture(fixtures):
    """The largest fixture folder with ref/x-WHAT.txt for every explorer,
    and a note on how it was chosen."""
    cands = []
    for name in sorted(os.listdir(fixtures)):
        d = os.path.join(fixtures, name)
        if all(os.path.isfile(os.path.join(d, "ref", "x-%s.txt" % w))
               for w in EXPLORERS):
            cands.append((dir_files(d)[1], name))
    if not cands:
        return None, "no fixture folder under %s has ref/x-{%s}.txt" % (
            fixtures, ",".join(EXPLORERS))
    cands.sort(reverse=True)
    return cands[0][1], "largest of %d fixture folders with all four " \
        "ref/x-*.txt, by the bytes of their files: %s" % (
            len(cands), ", ".join("%s %s" % (n, fmt_size(s))
                                  for s, n in cands))


class Input:
    def __init__(self, label, path, expdir, expname, synthetic):
        self.label = label
        self.path = path
        self.expdir = expdir          # ref/ or expect/
        self.expname = expname        # "=ref" / "=expect"
        self.synthetic = synthetic
        self.nfiles, self.size = dir_files(path)


class Run:
    """One tool on one input and explorer."""

    def __init__(self, tname, tool, inp, what):
        self.tname = tname
        self.argv = [tool, "x", inp.path, what]
        self.times = []
        self.rss = None
        self.rc = None
        self.out = b""
        self.err = ""

    def check(self, probe, tmp):
        outp = os.path.join(tmp, "x-out.txt")
        errp = os.path.join(tmp, "x-err.txt")
        t, self.rc, self.rss = probe.run(self.argv, outp, errp)
        if t >= 1.0:
            self.times.append(t)
        self.out = read(outp)
        self.err = read(errp).decode(errors="replace").strip()
        os.unlink(outp)
        os.unlink(errp)

    def best(self):
        return min(self.times) if self.times else None


def line_diff(c, p, what, cname="crit", pname="Python"):
    """How output p (Python CRIT's) differs from c (./crit's), in words, and
    a unified diff excerpt."""
    cl = c.decode(errors="replace").splitlines()
    pl = p.decode(errors="replace").splitlines()
    sm = difflib.SequenceMatcher(None, cl, pl, autojunk=False)
    ops = [o for o in sm.get_opcodes() if o[0] != "equal"]
    nc = sum(i2 - i1 for _, i1, i2, _, _ in ops)
    np_ = sum(j2 - j1 for _, _, _, j1, j2 in ops)
    words = ("%d of %s's %d lines are not in %s's output, %d of %s's %d "
             "lines not in %s's, in %d place%s" % (
                 nc, cname, len(cl), pname, np_, pname, len(pl), cname,
                 len(ops), "" if len(ops) == 1 else "s"))
    counts = re.findall(r"^\t[0-9a-f]+ / (\d+)", "\n".join(pl), re.M)
    if pname == "Python" and what == "rss" and counts and set(counts) == {"0"}:
        words += ("; every page count Python prints is 0: CRIT 3.17 reads "
                  "pagemap field 2 (its `nr_pages`, CRIU 4.2's "
                  "compat_nr_pages, which CRIU 4.2 leaves 0) instead of "
                  "field 5, so it matches the pages against no VMA")
    excerpt = list(difflib.unified_diff(cl, pl, cname, pname, n=1,
                                        lineterm=""))
    return words, excerpt


def main():
    ap = arg_parser((10, 3), fixtures=True, images=False)
    ap.add_argument("--checkpoint", required=True,
                    help="dir made by mkcheckpoint.py")
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--floor", help="bench/floor.c, built: the least time "
                    "reading the images takes (optional)")
    ap.add_argument("--diff-lines", type=int, default=12,
                    help="lines of each unified diff excerpt to print")
    a = ap.parse_args()

    load_start, have_py, probe = start(a)
    tools = [("crit", a.crit)] + ([("python", a.pycrit)] if have_py else [])
    problems = []     # ./crit failed or is wrong: exit status 1
    synth_diffs = []  # ./crit and Python differ on the synthetic: exit 1
    notes = []
    excerpts = []     # (title, unified diff lines)

    inputs = []
    fixture, pick_note = pick_fixture(a.fixtures)
    if fixture:
        inputs.append(Input("fixtures/" + fixture,
                            os.path.join(a.fixtures, fixture),
                            os.path.join(a.fixtures, fixture, "ref"), "=ref",
                            False))
    else:
        problems.append(pick_note)
    inputs.append(Input("synthetic, %d tasks" % a.tasks, a.checkpoint,
                        os.path.join(a.checkpoint, "expect"), "=expect",
                        True))

    # ------------------------------------------------------------- checking
    runs = {}      # (input label, explorer) -> {tname: Run}
    verdicts = {}  # (input label, explorer) -> output check for the table
    for inp in inputs:
        for what in EXPLORERS:
            rs = runs[(inp.label, what)] = {}
            for tname, tool in tools:
                log("check  %-6s x %-4s %s" % (tname, what, inp.label))
                r = rs[tname] = Run(tname, tool, inp, what)
                r.check(probe, a.tmp)
            verdicts[(inp.label, what)] = verify(a, inp, what, rs, problems,
                                                 synth_diffs, notes, excerpts)

    # --------------------------------------------------------------- timing
    for inp in inputs:
        for what in EXPLORERS:
            for r in runs[(inp.label, what)].values():
                if r.rc != 0:
                    continue
                n = a.crit_runs if r.tname == "crit" else a.py_runs
                log("time   %-6s x %-4s %s: %d run(s)%s"
                    % (r.tname, what, inp.label, max(0, n - len(r.times)),
                       " + 1 from the check" if r.times else ""))
                fill_times(r.times, n, r.argv, r.tname)
    floor = spawn_floor()
    # the least any `crit x` can take: starting ./crit, then the reads
    start_crit = min(fill_times([], a.crit_runs, [a.crit, "--version"],
                                "crit"))
    floors = {(inp.label, what): read_floor(a.floor, inp.path, what)
              for inp in inputs for what in EXPLORERS}
    load_end = os.getloadavg()

    # ---------------------------------------------------------------- table
    hdr = ["input", "explorer", "output", "crit time", "python time",
           "ratio", "floor", "at most", "crit RSS", "python RSS",
           "output check"]
    rows = []
    ratios = []
    bounds = []  # (python time / floor, input, explorer)
    for inp in inputs:
        for what in EXPLORERS:
            rs = runs[(inp.label, what)]
            c, p = rs["crit"], rs.get("python")
            ct, pt = c.best(), p.best() if p else None
            ratio = pt / ct if ct and pt else None
            if ratio is not None:
                ratios.append((ratio, inp.label, what))
            fl = floors[(inp.label, what)]
            least = start_crit + fl[1] if fl else None
            most = pt / least if least and pt else None
            if most is not None:
                bounds.append((most, inp.label, what))
            rows.append([
                inp.label, what, fmt_size(len(c.out)), fmt_time(ct),
                fmt_time(pt) if p else "n/a", fmt_ratio(ratio),
                fmt_time(least) if least else "n/a", fmt_ratio(most),
                fmt_kib(c.rss), fmt_kib(p.rss) if p else "n/a",
                verdicts[(inp.label, what)]])

    print()
    print("crit x benchmark: %s vs %s" % (
        a.crit, a.pycrit if have_py else "(Python CRIT not installed)"))
    for inp in inputs:
        print("input %s: %d files, %s%s" % (
            inp.label, inp.nfiles, fmt_size(inp.size),
            " (bench/mkcheckpoint.py: a tree, parent of task i = (i-1)//4; "
            "per task core, ids, fs, fdinfo (9 fds), mm (30 VMAs), pagemap "
            "(19 entries); one files.img)" if inp.synthetic
            else "; " + pick_note))
    print("time = best wall time of `TOOL x DIR WHAT` > /dev/null, N = %d "
          "(crit) / %d (python); output = size of crit's output"
          % (a.crit_runs, a.py_runs))
    print_ratio_and_machine(probe.how, load_start, load_end, floor)
    print("floor = the least any `crit x` can take here: starting ./crit "
          "(`crit --version`, best of %d: %s) and then opening, fstat-ing, "
          "reading and closing, one by one, the images Python CRIT's "
          "explorer reads (bench/floor.c, best of 10 passes); at most = "
          "python time / floor, the best ratio any tool reading those files "
          "could reach" % (a.crit_runs, fmt_time(start_crit)))
    print()
    print_table(hdr, rows, left={0, 1, 10})

    print("Output checks (done before timing):")
    print("  =ref        ./crit is byte-identical to ref/x-WHAT.txt, upstream "
          "Python CRIT 4.2's output")
    print("  =expect     ./crit is byte-identical to expect/x-WHAT.txt, "
          "computed by mkcheckpoint.py with Python CRIT's algorithm")
    print("  py same     %s printed the same bytes as ./crit" % a.pycrit)
    print("  py DIFFERS  it did not (how: below)")
    for n in notes:
        print("  - " + n)
    for title, ex in excerpts:
        print("  - %s: first %d lines of the unified diff:"
              % (title, min(len(ex), a.diff_lines)))
        for line in ex[:a.diff_lines]:
            print("      " + line.replace("\t", "\\t"))
    print()

    print("Targets:")
    if ratios:
        met = [r for r in ratios if r[0] >= 100]
        lo, hi = min(ratios), max(ratios)
        print("  crit >= 100x faster than Python CRIT: %s (%d of %d rows; "
              "lowest %s: %s x %s; highest %s: %s x %s)"
              % ("MET" if len(met) == len(ratios) else "NOT MET", len(met),
                 len(ratios), fmt_ratio(lo[0]), lo[1], lo[2],
                 fmt_ratio(hi[0]), hi[1], hi[2]))
        for inp in inputs:
            mine = [r for r in ratios if r[1] == inp.label]
            if mine:
                print("    %s: %s" % (inp.label, ", ".join(
                    "%s %s" % (w, fmt_ratio(r)) for r, _, w in mine)))
        out_of_reach = [b for b in bounds if b[0] < 100]
        if out_of_reach:
            print("  out of reach on %d of %d rows: there even the floor is "
                  "more than 1/100 of Python's time (%s)" % (
                      len(out_of_reach), len(bounds), ", ".join(
                          "%s x %s at most %s" % (i, w, fmt_ratio(b))
                          for b, i, w in out_of_reach)))
    else:
        print("  speed ratio unavailable: %s is not installed (or failed "
              "everywhere), so there is nothing to compare against"
              % a.pycrit)
    rc = finish(problems)
    if synth_diffs:
        print("DIFFERENCES between ./crit and Python CRIT on the synthetic "
              "checkpoint (built so that they must agree):")
        for d in synth_diffs:
            print("  ! " + d)
        print()
        rc = 1
    return rc


def verify(a, inp, what, rs, problems, synth_diffs, notes, excerpts):
    """Check the outputs of one input and explorer; returns the table's
    output check, files findings in the lists."""
    c, p = rs["crit"], rs.get("python")
    title = "%s, x %s" % (inp.label, what)
    if c.rc != 0:
        problems.append("%s: crit exited %d: %s" % (title, c.rc, c.err))
        v = "crit FAILED"
    else:
        want = read(os.path.join(inp.expdir, "x-%s.txt" % what))
        if c.out == want:
            v = inp.expname
        else:
            exp = "%s/x-%s.txt" % (os.path.basename(inp.expdir), what)
            words, ex = line_diff(want, c.out, what, exp, "crit")
            problems.append("%s: crit's output is not %s: %s"
                            % (title, exp, words))
            excerpts.append((title + ", crit vs " + exp, ex))
            v = "crit WRONG"
    if p is None:
        return v
    if p.rc != 0:
        msg = "%s: Python CRIT exited %d: %s" % (
            title, p.rc, (p.err.splitlines() or [""])[-1])
        (synth_diffs if inp.synthetic else notes).append(msg)
        return v + "; py FAILED"
    if c.rc == 0 and p.out == c.out:
        return v + "; py same"
    words, ex = line_diff(c.out, p.out, what)
    (synth_diffs if inp.synthetic else notes).append(
        "%s: Python CRIT's output differs from crit's: %s" % (title, words))
    excerpts.append((title, ex))
    return v + "; py DIFFERS"


if __name__ == "__main__":
    sys.exit(main())
