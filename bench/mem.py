#!/usr/bin/env python3
"""Benchmark crit's memory reader (bench/mem.sh runs it); standard library only.

1. search: a synthetic checkpoint of one task (fixtures/loop's, with one more
   anonymous mapping of SEARCH_MB MiB, its pages the first of pages-1.img:
   text of random words and lines, a needle in it 3 times). crit search of
   the needle, against the floor of `grep -c -a -F NEEDLE` over the same
   pages file, in the same run: best wall time of RUNS each, GB/s, and the
   peak RSS of both.
2. ps --cmd --env: a checkpoint of TASKS tasks, each fixtures/loop's shell
   (its pstree entry, core, mm and pagemap, with only its stack's 3 pages
   left in its own pages file: every other pagemap entry made lazy). crit x
   ps --cmd --env against the floor: starting ./crit (crit --version) and
   then reading whole, one by one, the images it needs (pstree, core, mm,
   pagemap, pages: bench/floor.c).

The target: crit within 1.5x of each floor, search at 1 GB/s or more, and
a peak RSS of at most 8 MiB.
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import time

NEEDLE = b"crit-bench-NEEDLE-7f3a"


def run(cmd):
    """Wall seconds of one run of cmd; its output to a pipe (GNU grep stops
    at the first match when its output is /dev/null)."""
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit("bench: %s failed: %s" % (" ".join(map(str, cmd)), p.stderr.decode(errors="replace")))
    return wall


def peak_rss(cmd):
    """Peak RSS (KiB) of cmd, as /usr/bin/time sees it: not Python's pages,
    which a child forked from it counts until its exec."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return int(p.stderr.split()[-1])


def best(cmd, runs):
    return min(run(cmd) for _ in range(runs)), peak_rss(cmd)


def dec(crit, path):
    return json.loads(subprocess.run([crit, "decode", "-i", path], check=True, capture_output=True).stdout)


def enc(crit, path, doc):
    subprocess.run([crit, "encode", "-o", path], input=json.dumps(doc).encode(), check=True)


def copy(src, dst):
    with open(src, "rb") as f, open(dst, "wb") as g:
        g.write(f.read())


def make_search(crit, fx, d, mb):
    os.makedirs(d)
    for name in ("core-21663.img", "inventory.img"):
        copy(f"{fx}/{name}", f"{d}/{name}")
    ps = dec(crit, f"{fx}/pstree.img")
    ps["entries"] = [e for e in ps["entries"] if e["pid"] == 21663]
    enc(crit, f"{d}/pstree.img", ps)
    pages = mb * 256
    base = 0x10000000
    mm = dec(crit, f"{fx}/mm-21663.img")
    mm["entries"][0]["vmas"].insert(0, {"start": base, "end": base + pages * 4096, "pgoff": 0, "shmid": 0,
                                        "prot": 3, "flags": 0x22, "status": 0x201, "fd": -1})
    enc(crit, f"{d}/mm-21663.img", mm)
    pm = dec(crit, f"{fx}/pagemap-21663.img")
    pm["entries"].insert(1, {"vaddr": base, "compat_nr_pages": 0, "flags": 4, "nr_pages": pages})
    enc(crit, f"{d}/pagemap-21663.img", pm)
    rnd = random.Random(14)
    words = [bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(500)]
    text = bytearray()
    while len(text) < 1 << 20:
        line = b" ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14)))
        text += line + b"\n"
    text = bytes(text[:1 << 20])
    with open(f"{d}/pages-1.img", "wb") as f:
        for i in range(mb):
            block = text
            if i in (1, mb // 2, mb - 1):
                at = (i * 7919) % ((1 << 20) - 100)
                block = text[:at] + NEEDLE + text[at + len(NEEDLE):]
            f.write(block)
        with open(f"{fx}/pages-1.img", "rb") as g:
            f.write(g.read())


def make_tasks(crit, fx, d, n):
    """n copies of fixtures/loop's task 21663, pids 1000..."""
    os.makedirs(d)
    copy(f"{fx}/inventory.img", f"{d}/inventory.img")
    pids = list(range(1000, 1000 + n))
    enc(crit, f"{d}/pstree.img", {"magic": "PSTREE", "entries": [
        {"pid": p, "ppid": 0 if i == 0 else pids[(i - 1) // 4], "pgid": pids[0], "sid": pids[0], "threads": [p]}
        for i, p in enumerate(pids)]})
    pm = dec(crit, f"{fx}/pagemap-21663.img")
    off = 0
    for e in pm["entries"][1:-1]:
        if e["flags"] & 4:
            off += e["nr_pages"] * 4096
        e["flags"] = 2  # lazy: in no pages file
    last = pm["entries"][-1]
    with open(f"{fx}/pages-1.img", "rb") as f:
        stack = f.read()[off:off + last["nr_pages"] * 4096]
    enc(crit, f"{d}/pm.tmp", pm)
    with open(f"{d}/pm.tmp", "rb") as f:
        img = f.read()
    os.unlink(f"{d}/pm.tmp")
    # the head entry (after the 8-byte magics) is field 1, pages_id: made per task
    size = struct.unpack("<I", img[8:12])[0]
    header, rest = img[:8], img[12 + size:]
    with open(f"{fx}/core-21663.img", "rb") as f:
        core = f.read()
    with open(f"{fx}/mm-21663.img", "rb") as f:
        mm = f.read()
    for i, p in enumerate(pids):
        v, pid_id = bytearray(), i + 1
        while True:
            v.append((pid_id & 0x7F) | (0x80 if pid_id > 0x7F else 0))
            pid_id >>= 7
            if not pid_id:
                break
        head = b"\x08" + bytes(v)
        for name, data in ((f"core-{p}.img", core), (f"mm-{p}.img", mm),
                           (f"pagemap-{p}.img", header + struct.pack("<I", len(head)) + head + rest),
                           (f"pages-{i + 1}.img", stack)):
            with open(f"{d}/{name}", "wb") as f:
                f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crit", required=True)
    ap.add_argument("--pycrit")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--floor")
    ap.add_argument("--search-mb", type=int, default=1024)
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    crit, fx = a.crit, a.fixtures + "/loop"

    d = a.tmp + "/search"
    print("bench: writing a checkpoint with %d MiB of pages" % a.search_mb, file=sys.stderr)
    make_search(crit, fx, d, a.search_mb)
    pages = d + "/pages-1.img"
    size = os.path.getsize(pages)
    # both read it from the page cache
    subprocess.run(["cat", pages], stdout=subprocess.DEVNULL, check=True)
    got = subprocess.run([crit, "search", d, NEEDLE, "--pid", "21663", "--json"], capture_output=True).stdout
    found = len(got.splitlines())
    grep = ["grep", "-c", "-a", "-F", NEEDLE, pages]
    grep_n = int(subprocess.run(grep, capture_output=True).stdout or b"0")
    if found != 3 or grep_n != 3:
        sys.exit("bench: crit search found %d, grep %d lines: 3 expected" % (found, grep_n))
    tc, rc = best([crit, "search", d, NEEDLE, "--pid", "21663"], a.runs)
    tg, rg = best(grep, a.runs)
    print()
    print("search: %.2f GB of pages (pages-1.img), 3 matches, best of %d" % (size / 1e9, a.runs))
    print("    tool                 time      speed      peak RSS")
    print("    crit search          %6.3f s  %5.2f GB/s  %5.1f MiB" % (tc, size / tc / 1e9, rc / 1024))
    print("    grep -c -a -F        %6.3f s  %5.2f GB/s  %5.1f MiB" % (tg, size / tg / 1e9, rg / 1024))
    print("    crit / grep: %.2fx (target: at most 1.5x, and 1 GB/s)" % (tc / tg))
    ok = tc / tg <= 1.5 and size / tc >= 1e9 and rc <= 8 * 1024

    d = a.tmp + "/tasks"
    print("bench: writing a checkpoint of %d tasks" % a.tasks, file=sys.stderr)
    make_tasks(crit, fx, d, a.tasks)
    out = subprocess.run([crit, "x", d, "ps", "--cmd", "--env"], capture_output=True, check=True).stdout
    lines = out.splitlines()
    if len(lines) < 1 + 2 * a.tasks or b"sh -c" not in lines[1]:
        sys.exit("bench: ps --cmd --env printed %d lines: %r" % (len(lines), lines[:3]))
    tp, rp = best([crit, "x", d, "ps", "--cmd", "--env"], a.runs)
    tv, _ = best([crit, "--version"], a.runs)
    print()
    print("ps --cmd --env: %d tasks, best of %d" % (a.tasks, a.runs))
    print("    crit x ps --cmd --env   %7.1f ms   peak RSS %5.1f MiB" % (tp * 1e3, rp / 1024))
    if a.floor:
        res = subprocess.run([a.floor, str(a.runs), d, "pstree.img", "core-*.img", "mm-*.img", "pagemap-*.img",
                              "pages-*.img"], capture_output=True, check=True, text=True).stdout.split()
        floor = tv + int(res[1]) / 1e6
        print("    floor: crit --version %.1f ms + reading %s images %.1f ms = %.1f ms"
              % (tv * 1e3, res[0], int(res[1]) / 1e3, floor * 1e3))
        print("    crit / floor: %.2fx (target: at most 1.5x)" % (tp / floor))
        ok = ok and tp / floor <= 1.5
    ok = ok and rp <= 8 * 1024
    print()
    print("targets %s" % ("met" if ok else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
