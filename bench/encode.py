#!/usr/bin/env python3
"""Benchmark harness for bench/encode.sh (Python 3 standard library only).

Times `crit encode` (JSON -> image) of the C crit against Python CRIT
(/usr/bin/crit, 3.17) on the large synthetic images of bench/mkimages.py.

The JSON inputs, for each image (pagemap, mm) and form (compact, --pretty):
  crit's JSON    `./crit decode [--pretty] -i IMG`, CRIU 4.2 schema.  crit
                 must encode it back to the image byte for byte (checked;
                 a failure here is fatal).
  Python's JSON  `/usr/bin/crit decode [--pretty] -i IMG`, what CRIT 3.17
                 itself prints, so input it is sure to understand.  Python
                 CRIT is timed on it and crit is checked on it too.  When it
                 is byte-identical to crit's JSON it is one input for both
                 tools; otherwise it is a separate row.
Every output image is compared with the original image.  Python's output
differing from it is reported, not fatal; crit failing or differing on
Python's JSON is listed under PROBLEMS (exit status 1), but for the
refusal docs/compat.md documents (CRIT 3.17's pagemap JSON, older schema).

Measuring (helpers in bench/benchlib.py, shared with bench/bench.py):
  wall time  best of N runs, `TOOL encode -i JSON`, stdout and stderr on
             /dev/null, posix_spawn + wait timed with perf_counter.
  peak RSS   ru_maxrss via `/usr/bin/time -f %M` on the checking run (which
             writes the image with -o into a temp file).  A checking run that
             took >= 1 s also counts as a timing sample (it can only be
             slower than a plain run, never faster).
  RSS/input  peak RSS in bytes / JSON input size in bytes.
  MB/s       JSON input size / best time, MB = 10^6 bytes.
"""

import concurrent.futures
import filecmp
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no bench/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (arg_parser, die, finish, first_diff, fmt_kib,  # noqa
                      fmt_mbs, fmt_ratio, fmt_size, fmt_time, log,
                      machine_line, print_table, read, start, timed_run)


def decode_to(tool, img, pretty, out):
    """`tool decode [--pretty] -i img > out`. Returns (seconds, rc, stderr)."""
    argv = [tool, "decode"] + (["--pretty"] if pretty else []) + ["-i", img]
    with open(out, "wb") as o:
        t = time.perf_counter()
        p = subprocess.run(argv, stdout=o, stderr=subprocess.PIPE)
        t = time.perf_counter() - t
    return t, p.returncode, p.stderr.decode(errors="replace")


def same_file(a, b):
    return filecmp.cmp(a, b, shallow=False)


class Job:
    """One tool encoding one JSON input."""

    def __init__(self, image, form, tname, tool, json_path, json_from, own):
        self.image = image          # "pagemap" / "mm"
        self.form = form            # "compact" / "pretty"
        self.tname = tname          # "crit" / "python"
        self.tool = tool
        self.json = json_path
        self.json_from = json_from  # label of the JSON's producer
        self.own = own              # crit on crit's own JSON
        self.size = os.path.getsize(json_path)
        self.times = []
        self.rss = None
        self.rc = None
        self.err = ""
        self.verdict = "-"

    def argv(self, out=None):
        return [self.tool, "encode", "-i", self.json] + (
            ["-o", out] if out else [])


def main():
    ap = arg_parser((10, 3))
    ap.add_argument("--prep-jobs", type=int, default=2,
                    help="parallel Python CRIT decodes making its JSON")
    a = ap.parse_args()

    load_start, have_py, rss = start(a)
    problems = []      # crit failures on Python's JSON (exit status 1)
    notes = []
    repro_mk = "python3 bench/mkimages.py --pagemap-entries %d --vmas %d " \
        "/tmp/synth" % (a.pagemap_entries, a.vmas)

    images = [
        ("pagemap", os.path.join(a.synth, "pagemap-synth.img"),
         "pagemap (%d entries)" % a.pagemap_entries),
        ("mm", os.path.join(a.synth, "mm-synth.img"),
         "mm (1 entry, %d vmas)" % a.vmas),
    ]
    forms = [("compact", False), ("pretty", True)]

    def jpath(image, form, who):
        return os.path.join(a.tmp, "%s.%s.%s.json" % (image, form, who))

    # ------------------------------------------------------ the JSON inputs
    for image, img, _ in images:
        for form, pretty in forms:
            log("make   crit decode%s %s" % (" --pretty" if pretty else "",
                                             image))
            _, rc, err = decode_to(a.crit, img, pretty,
                                   jpath(image, form, "crit"))
            if rc != 0:
                die("`crit decode%s -i %s` exited %d: %s"
                    % (" --pretty" if pretty else "", img, rc, err.strip()))
        expect = img + ".expect.json"
        if os.path.exists(expect) and not same_file(
                expect, jpath(image, "compact", "crit")):
            die("crit decode of %s differs from mkimages.py's expectation: %s"
                % (img, first_diff(read(jpath(image, "compact", "crit")),
                                   read(expect))))

    py_decode = {}
    if have_py:
        todo = [(image, img, form, pretty) for image, img, _ in images
                for form, pretty in forms]
        # Largest first, so the two workers finish together.
        todo.sort(key=lambda t: -os.path.getsize(jpath(t[0], t[2], "crit")))
        log("make   /usr/bin/crit decode of both images, both forms "
            "(%d at a time; the slow part of the preparation)" % a.prep_jobs)
        with concurrent.futures.ThreadPoolExecutor(a.prep_jobs) as ex:
            futs = {ex.submit(decode_to, a.pycrit, img, pretty,
                              jpath(image, form, "py")): (image, form)
                    for image, img, form, pretty in todo}
            for f in concurrent.futures.as_completed(futs):
                image, form = futs[f]
                t, rc, err = f.result()
                py_decode[(image, form)] = (t, rc)
                log("       /usr/bin/crit decode %s %s: %s%s"
                    % (form, image, fmt_time(t),
                       "" if rc == 0 else " (exit %d)" % rc))
                if rc != 0:
                    notes.append("/usr/bin/crit decode (%s) of the %s image "
                                 "exited %d, so Python CRIT has no JSON of "
                                 "its own for it: %s" % (
                                     form, image, rc,
                                     err.strip().splitlines()[-1:]))

    jobs = []
    for image, img, _ in images:
        for form, _p in forms:
            cj = jpath(image, form, "crit")
            pj = jpath(image, form, "py")
            py_ok = have_py and py_decode.get((image, form), (0, 1))[1] == 0
            same = py_ok and same_file(cj, pj)
            ours = "both (identical)" if same else "./crit"
            jobs.append(Job(image, form, "crit", a.crit, cj, ours, True))
            if py_ok and not same:
                jobs.append(Job(image, form, "crit", a.crit, pj,
                                "/usr/bin/crit", False))
            if py_ok:
                jobs.append(Job(image, form, "python", a.pycrit,
                                cj if same else pj,
                                ours if same else "/usr/bin/crit", False))
    image_of = {name: path for name, path, _ in images}

    # ------------------------------------------------------------- checking
    outp = os.path.join(a.tmp, "out.img")
    stdoutp = os.path.join(a.tmp, "stdout.txt")
    errp = os.path.join(a.tmp, "stderr.txt")
    for j in jobs:
        img = image_of[j.image]
        log("check  %-6s encode %-7s %s (JSON made by %s)" % (j.tname, j.form, j.image,
                                                 j.json_from))
        if os.path.exists(outp):
            os.unlink(outp)
        t, rc, kib = rss.run(j.argv(outp), stdoutp, errp)
        j.rc, j.rss = rc, kib
        if t >= 1.0:
            j.times.append(t)
        j.err = read(errp).decode(errors="replace").strip()
        repro = ("%s && %s %s -i /tmp/synth/%s > /tmp/in.json && "
                 "%s encode -i /tmp/in.json -o /tmp/out.img && cmp /tmp/out.img "
                 "/tmp/synth/%s" % (
                     repro_mk, "./crit" if j.own else "/usr/bin/crit",
                     "decode --pretty" if j.form == "pretty" else "decode",
                     os.path.basename(img),
                     "./crit" if j.tname == "crit" else "/usr/bin/crit",
                     os.path.basename(img)))
        if rc != 0:
            j.verdict = "FAILED (exit %d)" % rc
            msg = "%s encode exited %d on the %s JSON of the %s image (made " \
                "by %s): " \
                "%s\n      reproduce: %s" % (j.tname, rc, j.form, j.image,
                                             j.json_from, j.err, repro)
            if j.own:
                die(msg)
            if j.tname == "crit" and j.image == "pagemap" and \
                    "missing required field compat_nr_pages" in j.err:
                # docs/compat.md, item 9: CRIT 3.17's pagemap JSON names
                # field 2 `nr_pages`; crit reads JSON in CRIU 4.2's schema.
                j.verdict = "refused (compat.md 9)"
                notes.append("crit refuses CRIT 3.17's %s pagemap JSON, as "
                             "docs/compat.md (item 9) says: %s" % (j.form, j.err))
                continue
            (problems if j.tname == "crit" else notes).append(msg)
            continue
        if same_file(outp, img):
            j.verdict = "identical"
            continue
        o, i = read(outp), read(img)
        j.verdict = "DIFFERS (%s vs %s)" % (fmt_size(len(o)), fmt_size(len(i)))
        msg = "%s encode of the %s JSON of the %s image (made by %s) is not the " \
            "original image: %s" % (j.tname, j.form, j.image, j.json_from,
                                    first_diff(o, i))
        if j.own:
            die(msg + "\n      reproduce: " + repro)
        if j.tname == "crit":
            problems.append(msg + "\n      reproduce: " + repro)
        else:
            notes.append(explain_python(a, j, outp, img,
                                        jpath(j.image, "compact", "crit")))
        del o, i
    if os.path.exists(outp):
        os.unlink(outp)

    # --------------------------------------------------------------- timing
    for j in jobs:
        if j.rc != 0:
            continue
        n = a.crit_runs if j.tname == "crit" else a.py_runs
        todo = max(0, n - len(j.times))
        log("time   %-6s encode %-7s %s (JSON made by %s): %d run(s)%s"
            % (j.tname, j.form, j.image, j.json_from, todo,
               " + 1 from the check" if j.times else ""))
        for _ in range(todo):
            t, rc = timed_run(j.argv())
            if rc != 0:
                die("%s exited %d while timing `%s`"
                    % (j.tname, rc, " ".join(j.argv())))
            j.times.append(t)
    load_end = os.getloadavg()
    floor = rss.run([a.crit, "--version"], stdoutp, errp)[2]

    # ---------------------------------------------------------------- table
    hdr = ["image", "form", "tool", "JSON made by", "size",
           "best time", "runs", "MB/s", "peak RSS", "RSS/input",
           "output vs original image"]
    rows = []
    for j in jobs:
        best = min(j.times) if j.times else None
        rows.append([
            j.image, j.form, j.tname, j.json_from, fmt_size(j.size),
            fmt_time(best), str(len(j.times)) if j.times else "-",
            fmt_mbs(j.size, best) if best else "-",
            fmt_kib(j.rss) if j.rc == 0 else "-",
            fmt_ratio(j.rss * 1024 / j.size) if j.rc == 0 and j.rss
            else "-", j.verdict])

    print()
    print("crit encode benchmark: %s vs %s" % (
        a.crit, a.pycrit if have_py else "(Python CRIT not installed)"))
    print("images: bench/mkimages.py, pagemap %s (%d entries), mm %s "
          "(1 entry, %d vmas)" % (
              fmt_size(os.path.getsize(image_of["pagemap"])),
              a.pagemap_entries, fmt_size(os.path.getsize(image_of["mm"])),
              a.vmas))
    print("time = best wall time of `TOOL encode -i JSON` > /dev/null, "
          "N = %d (crit) / %d (python); MB = 10^6 bytes of JSON"
          % (a.crit_runs, a.py_runs))
    print("peak RSS = ru_maxrss via %s; RSS/input = peak RSS / JSON size; "
          "`crit --version` alone peaks at %s" % (rss.how, fmt_kib(floor)))
    print("JSON made by: ./crit = `./crit decode [--pretty]` (CRIU 4.2 "
          "schema); /usr/bin/crit = `/usr/bin/crit decode [--pretty]` (CRIT "
          "3.17); both = the two were byte-identical, one input for both tools")
    print(machine_line(load_start, load_end))
    print()
    print_table(hdr, rows, left={0, 1, 2, 3, 10})

    # ---------------------------------------------------------------- ratios
    ratios = []
    if have_py:
        print("Speed, python time / crit time:")
        for image, _, _ in images:
            for form, _ in forms:
                py = [j for j in jobs if j.image == image and j.form == form
                      and j.tname == "python" and j.times]
                if not py:
                    print("  %-7s %-7s n/a (Python CRIT did not encode it)"
                          % (image, form))
                    continue
                p = py[0]
                same = [j for j in jobs if j.image == image and
                        j.form == form and j.tname == "crit" and
                        j.json == p.json and j.times]
                own = [j for j in jobs if j.image == image and
                       j.form == form and j.tname == "crit" and j.own and
                       j.times]
                c = (same or own)[0]
                r = min(p.times) / min(c.times)
                ratios.append((r, image, form))
                if same:
                    how = "same JSON input, %s" % fmt_size(p.size)
                else:
                    how = ("DIFFERENT inputs: crit could not encode Python's "
                           "JSON, so this is crit on its own %s JSON vs "
                           "Python on its own %s JSON; per MB: crit %s MB/s, "
                           "python %s MB/s = %s"
                           % (fmt_size(c.size), fmt_size(p.size),
                              fmt_mbs(c.size, min(c.times)),
                              fmt_mbs(p.size, min(p.times)),
                              fmt_ratio((c.size / min(c.times)) /
                                        (p.size / min(p.times)))))
                print("  %-7s %-7s %7s  (%s vs %s; %s)"
                      % (image, form, fmt_ratio(r), fmt_time(min(p.times)),
                         fmt_time(min(c.times)), how))
        print()

    if notes:
        print("Notes:")
        for n in notes:
            print("  - " + n)
        print()

    # --------------------------------------------------------------- targets
    print("Targets:")
    if ratios:
        met = [r for r in ratios if r[0] >= 100]
        lo = min(ratios)
        hi = max(ratios)
        print("  crit >= 100x faster than Python CRIT's encode: %s (%d of %d; "
              "lowest %s on %s %s, highest %s on %s %s)"
              % ("MET" if len(met) == len(ratios) else "NOT MET", len(met),
                 len(ratios), fmt_ratio(lo[0]), lo[1], lo[2],
                 fmt_ratio(hi[0]), hi[1], hi[2]))
    else:
        print("  speed ratio unavailable: %s is not installed (or encoded "
              "nothing), so there is nothing to compare against" % a.pycrit)
    mem = [(j.rss * 1024 / j.size, j) for j in jobs
           if j.tname == "crit" and j.rc == 0 and j.rss]
    if mem:
        over = [m for m in mem if m[0] > 2]
        worst = max(mem, key=lambda m: m[0])
        print("  crit peak RSS <= 2x the JSON input size: %s (%d of %d; "
              "worst %s = %s for %s of JSON made by %s, %s %s)"
              % ("MET" if not over else "NOT MET", len(mem) - len(over),
                 len(mem), fmt_ratio(worst[0]), fmt_kib(worst[1].rss),
                 fmt_size(worst[1].size), worst[1].json_from,
                 worst[1].image, worst[1].form))
        for r, j in over:
            print("      over: %s %s (JSON made by %s): %s for %s of JSON = %s;"
                  "\n        reproduce: %s && ./crit %s -i /tmp/synth/%s > "
                  "/tmp/in.json && /usr/bin/time -f %%M ./crit encode -i "
                  "/tmp/in.json -o /tmp/out.img"
                  % (j.image, j.form, j.json_from, fmt_kib(j.rss),
                     fmt_size(j.size), fmt_ratio(r), repro_mk,
                     "decode --pretty" if j.form == "pretty" else "decode",
                     os.path.basename(image_of[j.image])))
    return finish(problems)


def explain_python(a, j, outp, img, crit_compact_json):
    """Say how Python CRIT's image differs from the original: decode both
    with ./crit and compare the JSON."""
    base = ("Python CRIT's encode of its %s JSON of the %s image is not the "
            "original image (%s vs %s bytes)"
            % (j.form, j.image, os.path.getsize(outp), os.path.getsize(img)))
    p = subprocess.run([a.crit, "decode", "-i", outp], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        return base + "; ./crit cannot even decode it: " + \
            p.stderr.decode(errors="replace").strip()
    orig = read(crit_compact_json)
    if p.stdout == orig:
        return base + "; it decodes to the same JSON (a different but " \
            "equivalent byte encoding)"
    if j.image == "pagemap":
        dropped, n = re.subn(rb', "nr_pages": \d+\}', b"}", orig)
        if p.stdout == dropped:
            return base + ("; decoded, it is the original with field 5 "
                           "(nr_pages, u64) missing from all %d "
                           "pagemap_entry, everything else equal: CRIT "
                           "3.17's older pagemap_entry has no field 5 (its "
                           "`nr_pages` is field 2, CRIU 4.2's "
                           "compat_nr_pages), so it cannot write the "
                           "original bytes" % n)
    return base + "; decoded by ./crit: " + first_diff(p.stdout, orig)


if __name__ == "__main__":
    sys.exit(main())
