#!/usr/bin/env python3
"""Write a synthetic CRIU checkpoint directory for bench/explore.sh.

Python 3 standard library only; the images are made by `crit encode`.

    mkcheckpoint.py --crit CRIT [--tasks N] OUTDIR

A tree of N tasks (default 1000): task i has pid 1000+i, comm "task-i", and
parent (i-1)//4, so the tree is about log4(N) levels deep.  Modelled on the
real CRIU 4.2 fixtures (fixtures/loop, fixtures/sockets), OUTDIR gets:

  pstree.img, inventory.img  one each
  files.img        every file entry of the checkpoint: the shared executable,
                   libc, ld.so, /dev/null (twice), "/", and per task its cwd
                   (a directory), a log file, a mapped data file (REG), the
                   two ends of a pipe (PIPE), a unix socket (UNIXSK, every
                   4th one bound to a path) and an eventfd (EVENTFD)
  core-PID.img     thread_info (gpregs, fpregs), tc (task_state 1 = alive,
                   the comm), thread_core (creds)
  ids-PID.img      files_id = i+1 and the namespace ids
  fs-PID.img       cwd_id, root_id (REG entries)
  fdinfo-FID.img   9 fds: /dev/null x3, log, pipe read+write, socket,
                   eventfd, data file
  mm-PID.img       30 VMAs laid out like a real dynamically linked process:
                   file-private text/data of the executable, libc and ld.so
                   (status VMA_AREA_REGULAR|VMA_FILE_PRIVATE), a shared file
                   mapping, anon heap, anon-shared (shmem) and SysV shm
                   mappings, vvar, vdso, a MAP_GROWSDOWN stack, vsyscall
  pagemap-PID.img  the head and 19 entries inside the VMAs: some span two
                   adjacent VMAs, some share a VMA with the one before (the
                   "~" of `x rss`).  Each entry carries compat_nr_pages
                   (field 2) = nr_pages (field 5): CRIT 3.17's older schema
                   reads field 2 and calls it nr_pages.

and OUTDIR/expect/x-{ps,fds,mems,rss}.txt: what `crit x OUTDIR WHAT` must
print, computed here from the data by the algorithm of Python CRIT's
explorers (pycriu/cli.py), so outputs can be checked without Python CRIT.

How the images are made: each image kind is written as decode's JSON with
the entries of every task in one image, encoded by a single `crit encode`
(all kinds in parallel, ~20 processes in all), then split at the entry
boundaries (u32 length + message) into one file per task behind that
kind's image header (the bytes crit encode writes for an image with no
entries).  A pagemap head is a different message from the entries after it,
so the heads are written by hand (bench/mkimages.py's wire helpers: field 1,
pages_id).  Then the first and the last task's images of each kind are
decoded again with `crit decode` and compared with the data (fatal if not
equal).
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no bench/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mkimages import entry, f_varint  # noqa: E402

PAGE = 4096
FOWN = {"uid": 0, "euid": 0, "signum": 0, "pid_type": 0, "pid": 0}

# VMA status bits (criu/include/image.h) and the values CRIU 4.2 writes
REGULAR, FILE_PRIVATE, FILE_SHARED = 1 << 0, 1 << 6, 1 << 7
ANON_SHARED, ANON_PRIVATE, SYSVIPC = 1 << 8, 1 << 9, 1 << 10
ST_FILE = REGULAR | FILE_PRIVATE                     # 65
ST_ANON = REGULAR | ANON_PRIVATE                     # 513
ST_HEAP = ST_ANON | 1 << 5                           # 545
ST_VVAR = ST_ANON | 1 << 12                          # 4609
ST_VDSO = ST_ANON | 1 << 3                           # 521
ST_VSYSCALL = ANON_PRIVATE | 1 << 2                  # 516: not REGULAR
MAP_SHARED, MAP_PRIVATE, MAP_ANON, MAP_GROWSDOWN = 1, 2, 0x20, 0x100

# Fixed file ids; the per-task ones follow, PER_TASK_FILES per task.
EXE, LIBC, LD, NULL_R, NULL_W, ROOT = range(1, 7)
PER_TASK_FILES = 7
MAX_TASKS = 16000    # the stacks, 1 MiB apart, end below 0x800000000000


def ids_of(i):
    """The file ids of task i: cwd, log, data, pipe r, pipe w, socket, efd."""
    b = 7 + PER_TASK_FILES * i
    return range(b, b + PER_TASK_FILES)


def reg(fid, name, flags, mode, size=None):
    r = {"id": fid, "flags": flags, "pos": 0, "fown": FOWN, "name": name}
    if size is not None:
        r["size"] = size
    r["mode"] = mode
    return {"type": "REG", "id": fid, "reg": r}


def files_entries(n):
    out = [reg(EXE, "/usr/bin/bench-app", 0, 0o100755, 43888),
           reg(LIBC, "/usr/lib/x86_64-linux-gnu/libc.so.6", 0, 0o100755,
               1926232),
           reg(LD, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 0,
               0o100755, 215000),
           reg(NULL_R, "/dev/null", 0o100000, 0o20666),
           reg(NULL_W, "/dev/null", 0o100001, 0o20666),
           reg(ROOT, "/", 0, 0o40755)]
    for i in range(n):
        cwd, log, data, pr, pw, sk, efd = ids_of(i)
        d = "/srv/bench/task-%d" % i
        out += [reg(cwd, d, 0, 0o40755),
                reg(log, d + "/log", 0o102001, 0o100644, 4096 * (i % 9)),
                reg(data, d + "/data.bin", 0o100002, 0o100644, 0x40000)]
        for fid, fl in ((pr, 0), (pw, 1)):
            out.append({"type": "PIPE", "id": fid, "pipe": {
                "id": fid, "pipe_id": 300000 + i, "flags": fl, "fown": FOWN}})
        # Socket inodes: task i's socket is connected to its parent's.
        usk = {"id": sk, "ino": 200000 + i, "type": 1, "state": 1,
               "flags": 2, "uflags": 0, "backlog": 0,
               "peer": 200000 + (i - 1) // 4 if i else 0, "fown": FOWN,
               "opts": {"so_sndbuf": 212992, "so_rcvbuf": 212992,
                        "so_snd_tmo_sec": 0, "so_snd_tmo_usec": 0,
                        "so_rcv_tmo_sec": 0, "so_rcv_tmo_usec": 0,
                        "reuseaddr": False, "so_priority": 0,
                        "so_rcvlowat": 1, "so_passcred": False,
                        "so_passsec": False, "so_dontroute": False,
                        "so_no_check": False, "so_reuseport": False,
                        "so_broadcast": False, "so_keepalive": False,
                        "so_oobinline": 0, "so_buf_lock": 0},
               "name": "/srv/bench/task-%d.sock=00" % i if i % 4 == 0 else ""}
        if i % 4 == 0:
            usk["file_perms"] = {"mode": 0o140755, "uid": 0, "gid": 0}
        usk["ns_id"] = 2
        out.append({"type": "UNIXSK", "id": sk, "usk": usk})
        out.append({"type": "EVENTFD", "id": efd, "efd": {
            "id": efd, "flags": 2050, "fown": FOWN, "counter": i}})
    return out


def core(i):
    gp = ["r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
          "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp",
          "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"]
    gpregs = {k: (0x7F0000001000 + i * 8 + n if n % 3 == 0 else n)
              for n, k in enumerate(gp)}
    gpregs["mode"] = "NATIVE"
    comm = "task-%d" % i
    caps = [4278190079, 511]
    return {
        "mtype": "X86_64",
        "thread_info": {
            "clear_tid_addr": 0x7F0000000A10 + i * PAGE,
            "gpregs": gpregs,
            "fpregs": {"cwd": 895, "swd": 0, "twd": 0, "fop": 0, "rip": 0,
                       "rdp": 0, "mxcsr": 8064, "mxcsr_mask": 196607,
                       "st_space": [0] * 32,
                       "xmm_space": [(i * k) & 0xFFFFFFFF
                                     for k in range(64)]}},
        "tc": {"task_state": 1, "exit_code": 0, "personality": 0,
               "flags": 4194304, "blk_sigset": 0, "comm": comm,
               "loginuid": 4294967295, "oom_score_adj": 0},
        "thread_core": {
            "futex_rla": 0x7F0000000A20 + i * PAGE, "futex_rla_len": 24,
            "sched_nice": 0, "sched_policy": 0,
            "creds": {"uid": 0, "gid": 0, "euid": 0, "egid": 0, "suid": 0,
                      "sgid": 0, "fsuid": 0, "fsgid": 0, "cap_inh": [0, 0],
                      "cap_prm": caps, "cap_eff": caps, "cap_bnd": caps,
                      "secbits": 0, "cap_amb": [0, 0]},
            "comm": comm}}


def vma(start, size, prot, flags, status, shmid=0, pgoff=0):
    v = {"start": start, "end": start + size, "pgoff": pgoff, "shmid": shmid,
         "prot": prot, "flags": flags, "status": status, "fd": -1}
    if status & (FILE_PRIVATE | FILE_SHARED):
        v["fdflags"] = 0
    return v


def mm_and_pagemap(i, n):
    """Task i's mm entry and its pagemap entries (without the head)."""
    data = ids_of(i)[2]
    E = 0x55D000000000 + i * 0x10000000          # executable
    L = 0x7E0000000000 + i * 0x4000000           # libraries and anon
    S = 0x7FFC00000000 + i * 0x100000            # stack
    priv, anon = MAP_PRIVATE, MAP_PRIVATE | MAP_ANON
    v = []

    def file_vmas(addr, fid, parts):
        for size, prot, pgoff in parts:
            v.append(vma(addr, size, prot, priv, ST_FILE, fid, pgoff))
            addr += size
        return addr

    a = file_vmas(E, EXE, [(0x4000, 1, 0), (0x13000, 5, 0x4000),
                           (0x6000, 1, 0x17000), (0x2000, 1, 0x1C000),
                           (0x1000, 3, 0x1E000)])
    v.append(vma(a, 0x2000, 3, anon, ST_ANON))
    heap = E + 0x2000000
    v.append(vma(heap, 0x21000 + (i % 7) * PAGE, 3, anon, ST_HEAP))
    v.append(vma(L, 0x3000, 3, anon, ST_ANON))
    a = file_vmas(L + 0x3000, LIBC, [
        (0x26000, 1, 0), (0x156000, 5, 0x26000), (0x53000, 1, 0x17C000),
        (0x4000, 1, 0x1CF000), (0x2000, 3, 0x1D3000)])
    v.append(vma(a, 0xD000, 3, anon, ST_ANON))
    a += 0xD000
    v.append(vma(a + 0x10000, 0x8000, 1, priv, ST_FILE, data))
    v.append(vma(a + 0x18000, 0x4000, 3, MAP_SHARED, REGULAR | FILE_SHARED,
                 data, 0x8000))
    v.append(vma(a + 0x20000, 0x10000, 3, MAP_SHARED | MAP_ANON,
                 REGULAR | ANON_SHARED, 500000 + i // 2))
    v.append(vma(a + 0x30000, 0x20000, 3, MAP_SHARED, REGULAR | SYSVIPC,
                 7000 + i % 5))
    v.append(vma(a + 0x60000, 0x3000, 3, anon, ST_ANON))
    v.append(vma(a + 0x63000, 0x2000, 0, anon, ST_ANON))
    a += 0x70000
    v.append(vma(a, 0x4000, 1, anon, ST_VVAR))
    v.append(vma(a + 0x4000, 0x2000, 5, anon, ST_VDSO))
    a = file_vmas(a + 0x6000, LD, [
        (0x1000, 1, 0), (0x26000, 5, 0x1000), (0xA000, 1, 0x27000),
        (0x2000, 1, 0x31000), (0x2000, 3, 0x33000)])
    v.append(vma(a, 0x2000, 3, anon, ST_ANON))
    v.append(vma(S, 0x21000, 3, anon | MAP_GROWSDOWN, ST_ANON))
    v.append(vma(0xFFFFFFFFFF600000, PAGE, 4, anon, ST_VSYSCALL))
    assert len(v) == 30 and v[-2]["end"] <= 1 << 47 and all(
        x["end"] <= y["start"] for x, y in zip(v, v[1:]))

    # (vma index, page offset into it, pages, flags); PE_PRESENT = 4,
    # PE_LAZY | PE_PRESENT = 6.  Spans into the next VMA: (3, ...), (11, ...),
    # (25, ...).  Shares a VMA with the previous entry: 13, 29 -> "~".
    pm = []
    for k, off, nr, fl in [(1, 0, 1, 4), (3, 0, 3, 4), (5, 1, 1, 6),
                           (6, 0, 1 + i % 3, 6), (7, 0, 2, 6),
                           (11, 0, 6, 4), (13, 0, 1, 6), (13, 4, 3, 6),
                           (13, 12, 1, 6), (14, 0, 2, 4), (18, 0, 1, 6),
                           (18, 2, 1, 6), (21, 0, 2, 4), (25, 0, 4, 4),
                           (27, 0, 1, 6), (28, 0x1C, 3, 6), (28, 0x20, 1, 6),
                           (8, 2, 2, 6), (9, 0x10, 5, 4)]:
        va = v[k]["start"] + off * PAGE
        pm.append({"vaddr": va, "compat_nr_pages": nr, "flags": fl,
                   "nr_pages": nr})
    pm.sort(key=lambda e: e["vaddr"])
    assert all(x["vaddr"] + x["nr_pages"] * PAGE <= y["vaddr"]
               for x, y in zip(pm, pm[1:]))

    mm = {"mm_start_code": E + 0x4000, "mm_end_code": E + 0x16F0B,
          "mm_start_data": E + 0x1DD30, "mm_end_data": E + 0x1F140,
          "mm_start_stack": S + 0x20A20, "mm_start_brk": heap,
          "mm_brk": heap + 0x21000, "mm_arg_start": S + 0x20F6D,
          "mm_arg_end": S + 0x20F9E, "mm_env_start": S + 0x20F9E,
          "mm_env_end": S + 0x20FEC, "exe_file_id": EXE,
          "mm_saved_auxv": [33, v[20]["start"], 51, 3376, 16, 395049983, 6,
                            4096, 17, 100, 3, E + 0x40, 4, 56, 5, 13, 7,
                            v[21]["start"], 8, 0, 9, E + 0x4000 + 0x10D0,
                            11, 0, 12, 0, 13, 0, 14, 0, 23, 0, 25,
                            S + 0x20DF9, 26, 2, 31, S + 0x20FEC, 0, 0],
          "vmas": v, "dumpable": 1, "thp_disabled": False}
    return mm, pm


# ----------------------------------------------------------- the checkpoint

class Checkpoint:
    def __init__(self, n):
        self.n = n
        self.pids = [1000 + i for i in range(n)]
        self.pstree = []
        for i, pid in enumerate(self.pids):
            top = i if i == 0 or (i - 1) // 4 == 0 else None
            j = i
            while top is None:          # pgid: the level-1 ancestor's pid
                j = (j - 1) // 4
                if (j - 1) // 4 == 0:
                    top = j
            self.pstree.append({"pid": pid,
                                "ppid": self.pids[(i - 1) // 4] if i else 0,
                                "pgid": self.pids[top], "sid": self.pids[0],
                                "threads": [pid]})
        self.files = files_entries(n)
        self.cores = [core(i) for i in range(n)]
        self.ids = [{"vm_id": 2 + i, "files_id": i + 1, "fs_id": 2 + i,
                     "sighand_id": 2 + i, "pid_ns_id": 1, "net_ns_id": 2,
                     "ipc_ns_id": 3, "uts_ns_id": 4, "mnt_ns_id": 6,
                     "user_ns_id": 7, "cgroup_ns_id": 8, "time_ns_id": 5}
                    for i in range(n)]
        self.fs = [{"cwd_id": ids_of(i)[0], "root_id": ROOT, "umask": 18}
                   for i in range(n)]
        self.fdinfo = []
        for i in range(n):
            fids = ids_of(i)
            fds = [(NULL_R, "REG"), (NULL_W, "REG"), (NULL_W, "REG"),
                   (fids[1], "REG"), (fids[3], "PIPE"), (fids[4], "PIPE"),
                   (fids[5], "UNIXSK"), (fids[6], "EVENTFD"),
                   (fids[2], "REG")]
            self.fdinfo.append([{"id": fid, "flags": 0, "type": t, "fd": fd}
                                for fd, (fid, t) in enumerate(fds)])
        self.mms, self.pms = zip(*(mm_and_pagemap(i, n) for i in range(n)))

    # Each kind: (magic, file name of task i, the entries of task i's image).
    def per_task(self):
        n = self.n
        return [
            ("CORE", "core-%d.img", lambda i: [self.cores[i]]),
            ("IDS", "ids-%d.img", lambda i: [self.ids[i]]),
            ("FS", "fs-%d.img", lambda i: [self.fs[i]]),
            ("FDINFO", "fdinfo-%d.img",
             lambda i: self.fdinfo[i]),
            ("MM", "mm-%d.img", lambda i: [self.mms[i]]),
            ("PAGEMAP", "pagemap-%d.img", lambda i: self.pms[i]),
        ], [self.pids, self.pids, self.pids,
            [i + 1 for i in range(n)], self.pids, self.pids]

    def single(self):
        inv = {"img_version": 2, "fdinfo_per_id": True,
               "root_ids": dict(self.ids[0], files_id=1), "ns_per_id": True,
               "root_cg_set": 1, "lsmtype": "NO_LSM",
               "network_lock_method": 0, "plugins_entry": {},
               "dump_criu_run_id": "00000000-0000-4000-8000-%012d" % self.n}
        return [("PSTREE", "pstree.img", self.pstree),
                ("FILES", "files.img", self.files),
                ("INVENTORY", "inventory.img", [inv])]


# --------------------------------------------------------------- encoding

def write_images(crit, ck, out, work):
    kinds, names = ck.per_task()
    jobs = []   # (magic, json path, image path)
    for magic, fname, ents in ck.single():
        jobs.append((magic, ents, os.path.join(out, fname)))
    for magic, _, ents_of in kinds:
        allents = [e for i in range(ck.n) for e in ents_of(i)]
        if magic == "PAGEMAP":      # a pagemap image starts with its head
            allents.insert(0, {"pages_id": 1})
        jobs.append((magic, allents, os.path.join(work, magic + ".all")))
        jobs.append((magic, [], os.path.join(work, magic + ".empty")))
    procs = []
    for magic, ents, dst in jobs:
        js = os.path.join(work, os.path.basename(dst) + ".json")
        with open(js, "w") as f:
            json.dump({"magic": magic, "entries": ents}, f)
        procs.append((subprocess.Popen([crit, "encode", "-i", js, "-o", dst],
                                       stderr=subprocess.PIPE), js))
    for p, js in procs:
        err = p.communicate()[1]
        if p.returncode != 0:
            sys.exit("mkcheckpoint: `%s encode -i %s` exited %d: %s"
                     % (crit, js, p.returncode, err.decode(errors="replace")))

    for (magic, fname, ents_of), keys in zip(kinds, names):
        with open(os.path.join(work, magic + ".empty"), "rb") as f:
            hdr = f.read()
        with open(os.path.join(work, magic + ".all"), "rb") as f:
            blob = f.read()
        assert blob.startswith(hdr)
        pos = len(hdr)
        if magic == "PAGEMAP":      # skip the head put in front above
            pos += 4 + struct.unpack_from("<I", blob, pos)[0]
        for i in range(ck.n):
            parts = [hdr]
            if magic == "PAGEMAP":
                parts.append(entry(f_varint(1, i + 1)))   # pagemap_head
            for _ in ents_of(i):
                ln = struct.unpack_from("<I", blob, pos)[0]
                parts.append(blob[pos:pos + 4 + ln])
                pos += 4 + ln
            with open(os.path.join(out, fname % keys[i]), "wb") as f:
                f.write(b"".join(parts))
        assert pos == len(blob), (magic, pos, len(blob))

    # Decode the first and last task's images again: must give the data back.
    for (magic, fname, ents_of), keys in zip(kinds, names):
        for i in sorted({0, ck.n - 1}):
            p = subprocess.run([crit, "decode", "-i",
                                os.path.join(out, fname % keys[i])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            want = list(ents_of(i))
            if magic == "PAGEMAP":
                want = [{"pages_id": i + 1}] + want
            got = json.loads(p.stdout) if p.returncode == 0 else None
            if got != {"magic": magic, "entries": want}:
                sys.exit("mkcheckpoint: %s does not decode to what was "
                         "encoded (crit decode exit %d): %s"
                         % (fname % keys[i], p.returncode,
                            p.stderr.decode(errors="replace")[:500]))


# ------------------------------------------- expected output (pycriu/cli.py)

class Expect:
    """What Python CRIT's explorers print for the checkpoint, computed from
    the data the way pycriu/cli.py does it (same formats, same caches)."""

    def __init__(self, ck):
        self.ck = ck
        self.by_id = {}
        for f in ck.files:
            self.by_id.setdefault(f["id"], f)
        self.vids = {}

    def file_str(self, ftype, fid):
        f = self.by_id.get(fid)
        field = {"REG": "reg", "PIPE": "pipe", "UNIXSK": "usk"}.get(ftype)
        if field is None:
            return "%s.%d" % (ftype, fid)
        x = f.get(field) if f else None
        if ftype == "REG":
            return x and x["name"] or "unknown path"
        if ftype == "PIPE":
            return x and "pipe[%d]" % x["pipe_id"] or "pipe[?]"
        if not x:
            return "unix[?]"
        n = x["name"] and " %s" % x["name"] or ""
        return "unix[%d (%d)%s]" % (x["ino"], x["peer"], n)

    def ps(self):
        kids = {}
        root = None
        for p in self.ck.pstree:
            if p["ppid"] == 0:
                root = p
            else:
                kids.setdefault(p["ppid"], []).append(p)
        comm = {p["pid"]: c["tc"]["comm"]
                for p, c in zip(self.ck.pstree, self.ck.cores)}
        out = ["%7s%7s%7s   %s" % ("PID", "PGID", "SID", "COMM")]
        stack = [(root, 0)]
        while stack:
            p, depth = stack.pop()
            out.append("%7d%7d%7d   %s%s" % (p["pid"], p["pgid"], p["sid"],
                                            " " * (4 * depth),
                                            comm[p["pid"]]))
            stack += [(k, depth + 1) for k in reversed(kids.get(p["pid"],
                                                                []))]
        return out

    def fds(self):
        out = []
        for i, p in enumerate(self.ck.pstree):
            out.append("%d" % p["pid"])
            for fd in self.ck.fdinfo[i]:
                out.append("\t%7d: %s" % (fd["fd"],
                                          self.file_str(fd["type"],
                                                        fd["id"])))
            fs = self.ck.fs[i]
            out.append("\t%7s: %s" % ("cwd",
                                      self.file_str("REG", fs["cwd_id"])))
            out.append("\t%7s: %s" % ("root",
                                      self.file_str("REG", fs["root_id"])))
        return out

    def vid(self, shmid):
        return self.vids.setdefault(shmid, len(self.vids) + 1)

    def mems(self):
        out = []
        for i, p in enumerate(self.ck.pstree):
            mm = self.ck.mms[i]
            out.append("%d" % p["pid"])
            out.append("\t%-36s    %s" % ("exe", self.file_str(
                "REG", mm["exe_file_id"])))
            for v in mm["vmas"]:
                st = v["status"]
                if st & SYSVIPC:
                    fn = " ips[%x]" % self.vid(v["shmid"])
                elif st & ANON_SHARED:
                    fn = " shmem[%x]" % self.vid(v["shmid"])
                elif st & (1 << 11):
                    fn = " packet[%x]" % self.vid(v["shmid"])
                elif st & (FILE_PRIVATE | FILE_SHARED):
                    fn = " " + self.file_str("REG", v["shmid"])
                    if v["pgoff"]:
                        fn += " + %#x" % v["pgoff"]
                    if st & FILE_SHARED:
                        fn += " (s)"
                elif st & (1 << 1):
                    fn = " [stack]"
                elif st & (1 << 2):
                    fn = " [vsyscall]"
                elif st & (1 << 3):
                    fn = " [vdso]"
                elif v["flags"] & MAP_GROWSDOWN:
                    fn = " [stack?]"
                else:
                    fn = ""
                if not st & REGULAR:
                    fn += " *"
                prot = "".join(c if v["prot"] & b else "-"
                               for b, c in ((1, "r"), (2, "w"), (4, "x")))
                out.append("\t%-36s%s%s" % ("%08x-%08x" % (v["start"],
                                                           v["end"]),
                                            prot, fn))
        return out

    def rss(self):
        out = []
        for i, p in enumerate(self.ck.pstree):
            vmas = self.ck.mms[i]["vmas"]
            out.append("%d" % p["pid"])
            vmi, pvmi = 0, -1
            for pm in self.ck.pms[i]:
                pstr = "\t%x / %-8d" % (pm["vaddr"], pm["nr_pages"])
                while vmas[vmi]["end"] <= pm["vaddr"]:
                    vmi += 1
                pme = pm["vaddr"] + (pm["nr_pages"] << 12)
                vstr = ""
                while vmas[vmi]["start"] < pme:
                    v = vmas[vmi]
                    if vmi == pvmi:
                        vstr += " ~"
                    else:
                        vstr += " %08x / %-8d" % (
                            v["start"], (v["end"] - v["start"]) >> 12)
                        if v["status"] & (FILE_PRIVATE | FILE_SHARED):
                            vstr += " " + self.file_str("REG", v["shmid"])
                        pvmi = vmi
                    vstr += "\n\t%23s" % ""
                    vmi += 1
                vmi -= 1
                out.append("%-24s%s" % (pstr, vstr))
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--crit", required=True, help="the crit that encodes")
    ap.add_argument("--tasks", type=int, default=1000)
    a = ap.parse_args()
    if not 1 <= a.tasks <= MAX_TASKS:   # the address layout of mm_and_pagemap
        sys.exit("mkcheckpoint: --tasks must be 1 to %d" % MAX_TASKS)
    t0 = time.monotonic()
    out = a.outdir
    work = os.path.join(out, ".work")
    os.makedirs(work, exist_ok=True)
    os.makedirs(os.path.join(out, "expect"), exist_ok=True)
    ck = Checkpoint(a.tasks)
    write_images(a.crit, ck, out, work)
    for name in os.listdir(work):
        os.unlink(os.path.join(work, name))
    os.rmdir(work)
    ex = Expect(ck)
    # fds before mems, as in one Python CRIT run each: the caches of
    # pycriu/cli.py never carry over between explorers (vids is per run).
    for what in ("ps", "fds", "mems", "rss"):
        ex.vids = {}
        with open(os.path.join(out, "expect", "x-%s.txt" % what), "w") as f:
            f.write("".join(line + "\n" for line in getattr(ex, what)()))
    n = len([x for x in os.listdir(out) if x.endswith(".img")])
    size = sum(os.path.getsize(os.path.join(out, x)) for x in os.listdir(out)
               if x.endswith(".img"))
    sys.stderr.write("mkcheckpoint: %d tasks, %d images, %d bytes in %s "
                     "(%.1f s)\n" % (a.tasks, n, size, out,
                                     time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
