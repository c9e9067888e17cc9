#!/usr/bin/env python3
"""Benchmark harness for bench/decode.sh (Python 3 standard library only).

Compares `crit decode [--pretty] -i IN` of the C crit against Python CRIT
(/usr/bin/crit) on large synthetic images and on the largest real CRIU 4.2
fixtures.  First checks every output, then times both tools.

How things are measured (helpers in bench/benchlib.py, shared with
bench/encode.py)
  wall time  best of N runs, each started with posix_spawn (vfork-style, so
             the harness's own size costs nothing) with stdout and stderr on
             /dev/null, timed with time.perf_counter() around spawn+wait.
  peak RSS   ru_maxrss of the tool, from `/usr/bin/time -f %M` (GNU time
             forks from a tiny process, so its own footprint does not leak
             into the figure), taken on the checking run, whose stdout goes to
             a temp file (page cache is not RSS).  If /usr/bin/time lacks -f
             %M, a fresh python3 wrapper reads getrusage(RUSAGE_CHILDREN)
             instead; that figure includes the wrapper's own RSS, inherited
             through fork/exec, so it is only an upper bound.
  MB/s       input size / best wall time, MB = 10^6 bytes.
A checking run that took >= 1 s also counts as one of the N timing samples
(so a one-minute Python CRIT run is not thrown away); /usr/bin/time and the
temp-file output can only make such a sample slower, never faster.
"""

import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True   # no bench/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (arg_parser, die, finish, first_diff, fmt_kib,  # noqa
                      fmt_mbs, fmt_ratio, fmt_size, fmt_time, log,
                      print_ratio_and_machine, print_table, read,
                      spawn_floor, start, timed_run)


# ------------------------------------------------------------------ checking

PM_DEC = re.compile(rb'"compat_nr_pages": (\d+), "flags": (\d+), '
                    rb'"nr_pages": \1\}')
PM_PRETTY = re.compile(rb'"compat_nr_pages": (\d+),\n([ ]*)"flags": '
                       rb'("[^"\n]*"),\n[ ]*"nr_pages": \1\n')


def pagemap_as_317(data, pretty):
    """Rewrite crit's CRIU 4.2 pagemap JSON the way CRIT 3.17 must print the
    same bytes: its older pagemap_entry calls field 2 `nr_pages` and has no
    field 5.  Only entries whose compat_nr_pages equals nr_pages match (the
    synthetic image writes both), so the values are still checked."""
    if pretty:
        return PM_PRETTY.subn(rb'"nr_pages": \1,\n\2"flags": \3\n', data)
    return PM_DEC.subn(rb'"nr_pages": \1, "flags": \2}', data)


# --------------------------------------------------------------------- inputs

class Input:
    def __init__(self, path, label, kind, synthetic=False, expect=None,
                 entries=None):
        self.path = path
        self.label = label
        self.kind = kind              # pagemap / mm / core / files
        self.synthetic = synthetic
        self.expect = expect          # expected `decode` output (synthetic)
        self.entries = entries        # expected entry count (synthetic)
        self.size = os.path.getsize(path)
        self.check = {}               # mode -> short verdict for the table
        self.note = {}                # mode -> longer explanation


def fixtures_of(fixtures, pattern):
    out = []
    for d in sorted(os.listdir(fixtures)):
        full = os.path.join(fixtures, d)
        if not os.path.isdir(full) or d == "ref":
            continue
        for f in sorted(os.listdir(full)):
            if pattern.fullmatch(f):
                out.append(os.path.join(full, f))
    out.sort(key=lambda p: (-os.path.getsize(p), p))
    return out


def rel(fixtures, p):
    return os.path.relpath(p, fixtures)


# ----------------------------------------------------------------------- main

def main():
    ap = arg_parser((20, 5), fixtures=True)
    ap.add_argument("--crit-runs-huge", type=int, default=10)
    ap.add_argument("--py-runs-huge", type=int, default=3)
    ap.add_argument("--huge", type=int, default=1000000,
                    help="inputs at least this many bytes count as huge")
    a = ap.parse_args()

    load_start, have_py, rss = start(a)
    tools = [("crit", [a.crit])]
    if have_py:
        tools.append(("python", [a.pycrit]))
    modes = [("decode", []), ("decode --pretty", ["--pretty"])]
    problems = []      # things that went wrong with crit (non-fatal)
    notes = []

    def argv(tool, mode_args, inp):
        return tool + ["decode"] + mode_args + ["-i", inp.path]

    # ---------------------------------------------------------- the inputs
    inputs = [
        Input(os.path.join(a.synth, "pagemap-synth.img"),
              "synthetic pagemap (%d entries)" % a.pagemap_entries, "pagemap",
              True, os.path.join(a.synth, "pagemap-synth.img.expect.json"),
              a.pagemap_entries + 1),
        Input(os.path.join(a.synth, "mm-synth.img"),
              "synthetic mm (1 entry, %d vmas)" % a.vmas, "mm", True,
              os.path.join(a.synth, "mm-synth.img.expect.json"), 1),
    ]

    # Real fixtures: the largest of each kind the brief names, plus (when
    # CRIT 3.17 prints something different for it) the largest image of the
    # same kind for which it agrees byte for byte.
    kinds = [
        ("pagemap", re.compile(r"pagemap-\d+\.img")),
        ("core", re.compile(r"core-\d+\.img")),
        ("files", re.compile(r"files\.img")),
        ("mm", re.compile(r"mm-\d+\.img")),
    ]
    real_pick_notes = []
    want = os.path.join(a.fixtures, "predump-pre1", "pagemap-30726.img")
    for kind, pat in kinds:
        cands = fixtures_of(a.fixtures, pat)
        if kind == "pagemap" and os.path.exists(want):
            cands.remove(want)
            cands.insert(0, want)
        if not cands:
            real_pick_notes.append("no real %s fixture found" % kind)
            continue
        chosen = [cands[0]]
        if have_py:
            agree = None
            for c in cands:
                if all(identical_outputs(a, c, m, rss) for _, m in modes):
                    agree = c
                    break
            if agree != cands[0]:
                if agree is None:
                    real_pick_notes.append(
                        "%s: CRIT 3.17 prints something different for every "
                        "real %s image (older schema); the largest, %s, is "
                        "timed anyway and crit is checked against the upstream "
                        "CRIT 4.2 output in ref/" % (kind, kind,
                                                     rel(a.fixtures, cands[0])))
                else:
                    chosen.append(agree)
                    real_pick_notes.append(
                        "%s: CRIT 3.17 differs on the largest, %s (older "
                        "schema); added %s, the largest %s image where both "
                        "tools agree byte for byte"
                        % (kind, rel(a.fixtures, cands[0]),
                           rel(a.fixtures, agree), kind))
        for c in chosen:
            inputs.append(Input(c, rel(a.fixtures, c), kind))

    # ---------------------------------------------------------- checking
    # One run per tool, input and mode, under the RSS probe, stdout to a file.
    results = {}   # (label, mode, toolname) -> dict(times=[], rss=None)
    for inp in inputs:
        for mname, margs in modes:
            outs = {}
            for tname, tool in tools:
                log("check  %-6s %-16s %s" % (tname, mname, inp.label))
                outp = os.path.join(a.tmp, "out.%s.json" % tname)
                errp = os.path.join(a.tmp, "err.%s.txt" % tname)
                t, rc, kib = rss.run(argv(tool, margs, inp), outp, errp)
                r = results.setdefault((inp.label, mname, tname),
                                       {"times": [], "rss": kib, "rc": rc})
                if t >= 1.0:
                    r["times"].append(t)
                outs[tname] = outp
                if rc != 0:
                    err = read(errp).decode(errors="replace")[-2000:]
                    if tname == "crit" and inp.synthetic:
                        die("crit failed (exit %d) on the synthetic image %s "
                            "(%s):\n%s" % (rc, inp.path, mname, err))
                    if tname == "crit":
                        problems.append("crit exited %d on %s (%s): %s"
                                        % (rc, inp.label, mname, err.strip()))
                    else:
                        notes.append("Python CRIT exited %d on %s (%s): %s"
                                     % (rc, inp.label, mname,
                                        err.strip().splitlines()[-1:]))
            verdict, note = verify(a, inp, mname, outs, have_py, results)
            inp.check[mname] = verdict
            if note:
                inp.note[mname] = note
            if verdict.startswith("FAIL"):
                msg = "%s (%s): %s" % (inp.label, mname, note)
                if inp.synthetic:
                    die("crit output is wrong for the synthetic image " + msg)
                problems.append(msg)
            for p in outs.values():
                os.unlink(p)

    # ---------------------------------------------------------- timing
    for inp in inputs:
        huge = inp.size >= a.huge
        for mname, margs in modes:
            for tname, tool in tools:
                r = results[(inp.label, mname, tname)]
                if r["rc"] != 0:
                    continue
                if tname == "crit":
                    n = a.crit_runs_huge if huge else a.crit_runs
                else:
                    n = a.py_runs_huge if huge else a.py_runs
                todo = max(0, n - len(r["times"]))
                log("time   %-6s %-16s %s: %d run(s)%s"
                    % (tname, mname, inp.label, todo,
                       " + 1 from the check" if r["times"] else ""))
                for _ in range(todo):
                    t, rc = timed_run(argv(tool, margs, inp))
                    if rc != 0:
                        die("%s exited %d while timing %s (%s)"
                            % (tname, rc, inp.label, mname))
                    r["times"].append(t)

    # The cost of starting any process here, for reading the small rows.
    floor = spawn_floor()
    load_end = os.getloadavg()

    # ---------------------------------------------------------- the table
    hdr = ["input", "size", "mode", "crit time", "python time", "ratio",
           "crit RSS", "python RSS", "crit MB/s", "output check"]
    rows = []
    ratios = []
    crit_rss = []
    for inp in inputs:
        for mname, _ in modes:
            c = results[(inp.label, mname, "crit")]
            ct = min(c["times"]) if c["times"] else None
            p = results.get((inp.label, mname, "python"))
            pt = min(p["times"]) if p and p["times"] else None
            ratio = pt / ct if (pt and ct) else None
            if ratio is not None:
                ratios.append((ratio, inp.label, mname))
            if c["rss"] is not None:
                crit_rss.append((c["rss"], inp.label, mname))
            rows.append([
                inp.label, fmt_size(inp.size), mname, fmt_time(ct),
                fmt_time(pt) if have_py else "n/a", fmt_ratio(ratio),
                fmt_kib(c["rss"]),
                fmt_kib(p["rss"]) if p else "n/a",
                fmt_mbs(inp.size, ct) if ct else "-",
                inp.check[mname]])

    print()
    print("crit decode benchmark: %s vs %s" % (
        a.crit, a.pycrit if have_py else "(Python CRIT not installed)"))
    print("time = best wall time of N runs, output to /dev/null; N = %d "
          "(crit) / %d (python) for inputs under %s, %d / %d at or above it"
          % (a.crit_runs, a.py_runs, fmt_size(a.huge), a.crit_runs_huge,
             a.py_runs_huge))
    print_ratio_and_machine(rss.how, load_start, load_end, floor,
                            "; MB = 10^6 bytes")
    print()
    print_table(hdr, rows, left={0, 2, 9})

    print("Output checks (done before timing, on every input and mode):")
    print("  identical   = ./crit and %s print byte-identical output"
          % a.pycrit)
    print("  =expect     = ./crit is byte-identical to the output computed by "
          "mkimages.py (decode mode)")
    print("  =ref        = ./crit is byte-identical to upstream Python CRIT "
          "4.2's output stored in fixtures/*/ref/")
    print("  ~3.17       = equal to CRIT 3.17's output once its older "
          "pagemap_entry schema is allowed for (see below)")
    for inp in inputs:
        for mname, _ in modes:
            if mname in inp.note:
                print("  - %s, %s: %s" % (inp.label, mname, inp.note[mname]))
    for n in real_pick_notes:
        print("  - " + n)
    for n in notes:
        print("  - " + n)
    print()

    print("Targets:")
    if ratios:
        worst = min(ratios)
        best = max(ratios)
        met = sum(1 for r in ratios if r[0] >= 300)
        print("  speed >= 300x Python CRIT: %s (reached on %d of %d rows; "
              "lowest %s: %s %s; highest %s: %s %s)"
              % ("MET" if met == len(ratios) else "NOT MET", met, len(ratios),
                 fmt_ratio(worst[0]), worst[1], worst[2],
                 fmt_ratio(best[0]), best[1], best[2]))
        big = [r for r in ratios
               if next(i for i in inputs if i.label == r[1]).size >= a.huge]
        if big:
            print("  on the huge synthetic images alone: %s"
                  % ", ".join("%s %s %s" % (fmt_ratio(r[0]), r[1], r[2])
                              for r in big))
    else:
        print("  speed ratio unavailable: %s is not installed, so there is "
              "nothing to compare against" % a.pycrit)
    if crit_rss:
        mx = max(crit_rss)
        print("  crit peak RSS < 4 MiB (4096 KiB): %s (highest %d KiB on %s "
              "%s)" % ("MET" if mx[0] < 4096 else "NOT MET", mx[0], mx[1],
                       mx[2]))
    return finish(problems)


_identical_cache = {}


def identical_outputs(a, path, margs, rss):
    """Do ./crit and Python CRIT print the same bytes for this fixture?"""
    k = (path, tuple(margs))
    if k not in _identical_cache:
        outs = []
        for tool in (a.crit, a.pycrit):
            p = subprocess.run([tool, "decode"] + list(margs) + ["-i", path],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            outs.append((p.returncode, p.stdout))
        _identical_cache[k] = outs[0][0] == 0 and outs[0] == outs[1]
    return _identical_cache[k]


def _keys(obj, out, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(path + "." + k)
            _keys(v, out, path + "." + k)
    elif isinstance(obj, list):
        for v in obj:
            _keys(v, out, path)
    return out


def schema_gap(c, p):
    """Keys crit prints that CRIT 3.17 does not (and the reverse)."""
    try:
        kc = _keys(json.loads(c), set())
        kp = _keys(json.loads(p), set())
    except ValueError:
        return "output not comparable as JSON"
    only_c = sorted(k.rsplit(".", 1)[-1] for k in kc - kp)
    only_p = sorted(k.rsplit(".", 1)[-1] for k in kp - kc)
    s = "only crit prints: " + (", ".join(sorted(set(only_c))) or "nothing")
    if only_p:
        s += "; only CRIT 3.17 prints: " + ", ".join(sorted(set(only_p)))
    return s


def verify(a, inp, mname, outs, have_py, results):
    """Returns (verdict for the table, note or None)."""
    pretty = "--pretty" in mname
    if results[(inp.label, mname, "crit")]["rc"] != 0:
        return "FAIL", "crit exited with an error"
    c = read(outs["crit"])
    verdicts = []
    if inp.synthetic:
        # Structural sanity first: valid JSON, the right entry count.
        try:
            d = json.loads(c)
        except ValueError as e:
            return "FAIL", "crit output is not valid JSON: %s" % e
        if len(d.get("entries", [])) != inp.entries:
            return "FAIL", "crit printed %d entries, %d expected" % (
                len(d.get("entries", [])), inp.entries)
        del d
        if not pretty:
            e = read(inp.expect)
            if c != e:
                return "FAIL", "differs from mkimages.py's expectation: " + \
                    first_diff(c, e)
            verdicts.append("=expect")
    elif inp.kind in ("pagemap", "core", "files", "mm"):
        base = os.path.basename(inp.path)
        refp = os.path.join(os.path.dirname(inp.path), "ref", "%s.%s.json" % (
            base, "pretty" if pretty else "decode"))
    note = None
    if have_py and results[(inp.label, mname, "python")]["rc"] == 0:
        p = read(outs["python"])
        if c == p:
            verdicts.insert(0, "identical")
        elif inp.synthetic and inp.kind == "pagemap":
            conv, n = pagemap_as_317(c, pretty)
            if conv == p and n == inp.entries - 1:
                verdicts.insert(0, "~3.17")
                note = ("byte-identical output is impossible with CRIT 3.17: "
                        "its pagemap_entry names field 2 `nr_pages` and "
                        "drops field 5; after renaming compat_nr_pages to "
                        "nr_pages and dropping the (equal) field-5 nr_pages "
                        "in all %d entries, crit's output equals CRIT 3.17's "
                        "byte for byte" % n)
            else:
                return "FAIL", ("differs from CRIT 3.17 even after allowing "
                                "for its pagemap schema (%d of %d entries "
                                "matched the rewrite): %s"
                                % (n, inp.entries - 1, first_diff(conv, p)))
        elif inp.synthetic:
            return "FAIL", "differs from CRIT 3.17: " + first_diff(c, p)
        else:
            if os.path.exists(refp) and read(refp) == c:
                verdicts.insert(0, "=ref")
                note = ("differs from CRIT 3.17, whose older schema lacks "
                        "fields CRIU 4.2 wrote (%s); byte-identical to "
                        "upstream CRIT 4.2's output in ref/"
                        % schema_gap(c, p))
            else:
                return "FAIL", ("differs from CRIT 3.17 and from ref/: "
                                + first_diff(c, p))
    elif not inp.synthetic:
        if os.path.exists(refp) and read(refp) == c:
            verdicts.append("=ref")
        else:
            return "FAIL", "differs from ref/ (or no ref/ file)"
    elif pretty:
        verdicts.append("valid JSON")
    return " ".join(verdicts), note


if __name__ == "__main__":
    sys.exit(main())
