#!/usr/bin/env python3
"""Benchmark crit core (bench/core.sh runs it); standard library only.

A synthetic checkpoint of one task: fixtures/loop's shell with one more
anonymous mapping of MB MiB of text pages (bench/mem.py's make_search). crit
core of it, against the floor of `cat` of its pages file to a file (the same
bytes read and written once), both writing into the same directory: best
wall time of RUNS each, and crit's peak RSS. The core is checked first: its
PT_LOAD of the big mapping holds the pages file's bytes.

The target: within 2x of the floor, peak RSS at most 8 MiB.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mem import make_search, peak_rss  # noqa: E402

BASE = 0x10000000


def timed(cmd, out=None):
    t = time.perf_counter()
    if out:
        with open(out, "wb") as f:
            p = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE)
    else:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode:
        sys.exit("bench: %s failed: %s" % (" ".join(cmd), p.stderr.decode(errors="replace")))
    return wall


def load_offset(core, vaddr):
    """The file offset and size of the PT_LOAD at vaddr (ELF64 LE)."""
    import struct
    with open(core, "rb") as f:
        h = f.read(64)
        phoff, phnum = struct.unpack_from("<Q", h, 32)[0], struct.unpack_from("<H", h, 56)[0]
        f.seek(phoff)
        ph = f.read(56 * phnum)
    for i in range(phnum):
        t, _, off, va, _, fs, _, _ = struct.unpack_from("<IIQQQQQQ", ph, 56 * i)
        if t == 1 and va == vaddr:
            return off, fs
    return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crit", required=True)
    ap.add_argument("--pycrit")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    crit, fx, d = a.crit, a.fixtures + "/loop", a.tmp + "/ckpt"
    print("bench: writing a checkpoint with %d MiB of pages" % a.mb, file=sys.stderr)
    make_search(crit, fx, d, a.mb)
    pages = d + "/pages-1.img"
    size = os.path.getsize(pages)
    out = a.tmp + "/out"
    os.makedirs(out)
    core = out + "/core.21663"
    cmd = [crit, "core", d, "--pid", "21663", "-o", out]
    timed(["cat", pages])  # both from the page cache
    timed(cmd)
    off, fs = load_offset(core, BASE)
    want = a.mb << 20
    with open(core, "rb") as f, open(pages, "rb") as g:
        f.seek(off)
        ok = fs == want and all(f.read(1 << 20) == g.read(1 << 20) for _ in range(a.mb))
    if not ok:
        sys.exit("bench: the core's PT_LOAD at 0x%x is not the pages file's bytes" % BASE)
    tc = min(timed(cmd) for _ in range(a.runs))
    tf = min(timed(["cat", pages], out + "/floor") for _ in range(a.runs))
    rss = peak_rss(cmd)
    print()
    print("core: %.2f GB of pages, best of %d" % (size / 1e9, a.runs))
    print("    crit core            %6.3f s  %5.2f GB/s  peak RSS %5.1f MiB" % (tc, size / tc / 1e9, rss / 1024))
    print("    cat pages > file     %6.3f s  %5.2f GB/s" % (tf, size / tf / 1e9))
    print("    crit / floor: %.2fx (target: at most 2x; peak RSS at most 8 MiB)" % (tc / tf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
