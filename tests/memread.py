#!/usr/bin/env python3
"""memread.py - an independent reader of a task's memory in a CRIU checkpoint,
standard library only, for tests/mem.sh: it works from `crit decode`'s JSON of
mm, pagemap, pagemap-shmem, files and memfd images and from the raw pages
files, page by page, and says what crit mem, crit search and crit x ps --cmd
--env should print.

    memread.py check-at DIR        crit mem --at, for every pagemap entry's
                                   pages that the checkpoint holds, must
                                   give the pages' bytes
    memread.py search DIR PATTERN [--pid P] [--hex] [--regex] [-i] [--context N]
                                   the matches, as JSON lines
    memread.py ps DIR              each task's argv and env, as JSON

CRIT is the crit binary (default ./crit).
"""
import bisect
import json
import os
import re
import subprocess
import sys

CRIT = os.environ.get("CRIT", "./crit")
PE_PARENT, PE_LAZY, PE_PRESENT = 1, 2, 4
ANON_SHARED, SYSVIPC, MEMFD, FILE_SHARED = 1 << 8, 1 << 10, 1 << 14, 1 << 7


def decode(path):
    out = subprocess.run([CRIT, "decode", "-i", path], check=True, capture_output=True).stdout
    return json.loads(out)["entries"]


def parent_of(d):
    link = os.path.join(d, "parent")
    if os.path.islink(link):
        target = os.readlink(link)
    elif os.path.isfile(link):
        target = open(link).read().rstrip("\n")
    else:
        return None
    return target if target.startswith("/") else os.path.join(d, target)


class Pagemap:
    """One pagemap image: its entries as (vaddr, pages, flags, file offset)."""

    def __init__(self, d, name, ps):
        entries = decode(os.path.join(d, name))
        self.pages = os.path.join(d, "pages-%d.img" % entries[0]["pages_id"])
        self.e, off = [], 0
        for e in entries[1:]:
            n = e["nr_pages"] if "nr_pages" in e else e["compat_nr_pages"]
            flags = e["flags"] if "flags" in e else (PE_PARENT if e.get("in_parent") else PE_PRESENT)
            self.e.append((e["vaddr"], n, flags, off))
            if flags & PE_PRESENT:
                off += n * ps

    def find(self, addr, ps):
        i = bisect.bisect_right(self.e, (addr, float("inf"))) - 1
        if i >= 0:
            vaddr, n, flags, off = self.e[i]
            if vaddr <= addr < vaddr + n * ps:
                return flags, off + (addr - vaddr)
        return None


class Task:
    def __init__(self, d, pid):
        self.d, self.pid, self.ps = d, pid, 4096
        mm = decode(os.path.join(d, "mm-%d.img" % pid))[0]
        self.mm, self.vmas = mm, mm["vmas"]
        self.dirs = [d]
        while parent_of(self.dirs[-1]) and len(self.dirs) < 64:
            self.dirs.append(parent_of(self.dirs[-1]))
        self.maps = {}
        self.files = None
        self.files_read = {}

    def chain(self, name):
        if name not in self.maps:
            self.maps[name] = [Pagemap(d, name, self.ps) if os.path.exists(os.path.join(d, name)) else None
                               for d in self.dirs]
        return self.maps[name]

    def memfd_shmid(self, file_id):
        if self.files is None:
            self.files = decode(os.path.join(self.d, "files.img"))
            self.memfd = decode(os.path.join(self.d, "memfd.img"))
        for f in self.files:
            if f["id"] == file_id and "memfd" in f:
                for m in self.memfd:
                    if m["inode_id"] == f["memfd"]["inode_id"]:
                        return m["shmid"]
        return None

    def page(self, addr):
        """The page at addr: (bytes, level), or None when the checkpoint holds
        no bytes of it (zeros, a file's, lazy)."""
        vma = next((v for v in self.vmas if v["start"] <= addr < v["end"]), None)
        if vma is None:
            return None
        key, name = addr, "pagemap-%d.img" % self.pid
        if vma["status"] & (ANON_SHARED | SYSVIPC) or (vma["status"] & MEMFD and vma["status"] & FILE_SHARED):
            shmid = vma["shmid"]
            if vma["status"] & MEMFD:
                shmid = self.memfd_shmid(vma["shmid"])
            key, name = addr - vma["start"] + vma["pgoff"], "pagemap-shmem-%d.img" % shmid
        for level, pm in enumerate(self.chain(name)):
            hit = pm.find(key, self.ps) if pm else None
            if hit is None:
                return None
            flags, off = hit
            if flags & PE_PARENT:
                continue
            if not flags & PE_PRESENT:
                return None
            if pm.pages not in self.files_read:
                with open(pm.pages, "rb") as f:
                    self.files_read[pm.pages] = f.read()
            return self.files_read[pm.pages][off:off + self.ps], level
        return None

    def runs(self):
        if not hasattr(self, "_runs"):
            self._runs = list(self.make_runs())
        return self._runs

    def make_runs(self):
        """The bytes the checkpoint holds, as runs of contiguous addresses:
        (start, bytes, [(page address, level)...])."""
        start, buf, pages = None, bytearray(), []
        for v in self.vmas:
            for a in range(v["start"], v["end"], self.ps):
                p = self.page(a)
                if p is None or (start is not None and start + len(buf) != a):
                    if start is not None:
                        yield start, bytes(buf), pages
                    start, buf, pages = None, bytearray(), []
                if p is not None:
                    if start is None:
                        start = a
                    buf += p[0]
                    pages.append((a, p[1]))
        if start is not None:
            yield start, bytes(buf), pages

    def strings(self, start, end):
        data = bytearray()
        for a in range(start - start % self.ps, end, self.ps):
            p = self.page(a)
            if p is None:
                return None
            data += p[0]
        data = bytes(data[start % self.ps:start % self.ps + end - start])
        if not data:
            return []
        parts = data.split(b"\0")
        if data.endswith(b"\0"):
            parts.pop()
        return [s.decode("utf-8", "surrogateescape") for s in parts]


def tasks(d):
    """Every task that has memory, in pstree order."""
    for e in decode(os.path.join(d, "pstree.img")):
        if os.path.exists(os.path.join(d, "mm-%d.img" % e["pid"])):
            yield Task(d, e["pid"])


def check_at(d):
    bad = checked = parents = 0
    levels = set()
    for t in tasks(d):
        for start, data, pages in t.runs():
            got = subprocess.run([CRIT, "mem", d, str(t.pid), "--at", hex(start), "--len", str(len(data)), "--raw"],
                                 capture_output=True).stdout
            checked += len(pages)
            parents += sum(1 for _, level in pages if level)
            levels |= {level for _, level in pages if level}
            if got != data:
                bad += 1
                print("mismatch: pid %d at 0x%x, %d bytes" % (t.pid, start, len(data)), file=sys.stderr)
    print("%d pages checked, %d of them from parent dumps (levels %s), %d runs wrong"
          % (checked, parents, " ".join(map(str, sorted(levels))) or "none", bad))
    return 1 if bad or not checked else 0


def names(d):
    out = subprocess.run([CRIT, "x", d, "mems", "--json"], check=True, capture_output=True).stdout
    return {t["pid"]: {v["start"]: v["name"] for v in t["vmas"]} for t in json.loads(out)}


def search(d, args):
    pattern, pid, ctx, hexp, regex, icase = None, None, 16, False, False, False
    i = 0
    while i < len(args):
        if args[i] == "--pid":
            pid, i = int(args[i + 1], 0), i + 1
        elif args[i] == "--context":
            ctx, i = int(args[i + 1]), i + 1
        elif args[i] == "--hex":
            hexp = True
        elif args[i] == "--regex":
            regex = True
        elif args[i] == "-i":
            icase = True
        else:
            pattern = args[i]
        i += 1
    pat = bytes.fromhex(pattern) if hexp else pattern.encode("utf-8", "surrogateescape")
    nm = names(d)
    for t in tasks(d):
        if pid is not None and t.pid != pid:
            continue
        for start, data, _ in t.runs():
            found = []
            if regex:
                rx = re.compile(pat, re.IGNORECASE if icase else 0)
                pos = 0
                for seg in data.split(b"\0"):
                    found += [(pos + m.start(), pos + m.end()) for m in rx.finditer(seg) if m.end() > m.start()]
                    pos += len(seg) + 1
            else:
                hay, needle, p = data.lower() if icase else data, pat.lower() if icase else pat, 0
                while True:
                    p = hay.find(needle, p)
                    if p < 0:
                        break
                    found.append((p, p + len(needle)))
                    p += len(needle)
            for p, e in found:
                addr = start + p
                v = next(v for v in t.vmas if v["start"] <= addr < v["end"])
                print(json.dumps({"pid": t.pid, "address": addr,
                                  "vma": {"start": v["start"], "end": v["end"], "name": nm[t.pid][v["start"]]},
                                  "match": data[p:e].decode("utf-8", "surrogateescape"),
                                  "context": data[max(0, p - ctx):e + ctx].decode("utf-8", "surrogateescape")}))
    return 0


def boundary(d):
    """Where two pagemap entries meet inside a run of held pages: the pid,
    the bytes across the seam in hex (from the last byte before it that is
    not 0 to the first after it), and the address of the first; the
    shortest of them."""
    best = None
    for t in tasks(d):
        pm = t.chain("pagemap-%d.img" % t.pid)[0]
        for (va, n, _, _), (vb, _, _, _) in zip(pm.e, pm.e[1:]):
            if va + n * t.ps != vb or t.page(vb - t.ps) is None or t.page(vb) is None:
                continue
            a, b = t.page(vb - t.ps)[0], t.page(vb)[0]
            ka = len(a) - len(a.rstrip(b"\0")) + 1
            kb = len(b) - len(b.lstrip(b"\0")) + 1
            if ka <= len(a) and kb <= len(b) and (best is None or ka + kb < len(best[1])):
                best = (t.pid, a[-ka:] + b[:kb], vb - ka)
    if best:
        print(best[0], best[1].hex(), best[2])
        return 0
    return 1


def ps(d):
    res = {}
    for t in tasks(d):
        mm = t.mm
        res[t.pid] = {"argv": t.strings(mm["mm_arg_start"], mm["mm_arg_end"]),
                      "env": t.strings(mm["mm_env_start"], mm["mm_env_end"])}
    print(json.dumps(res, sort_keys=True))
    return 0


def main():
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "check-at":
        return check_at(d)
    if cmd == "search":
        return search(d, sys.argv[3:])
    if cmd == "boundary":
        return boundary(d)
    if cmd == "ps":
        return ps(d)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
