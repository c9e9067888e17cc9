#!/usr/bin/env python3
"""Write large synthetic CRIU images for bench/decode.sh.

Python 3 standard library only: the protobuf wire format is written by hand
(varints via a tiny encoder, fixed-width u32 headers via struct).

    mkimages.py OUTDIR [--pagemap-entries N] [--vmas N]

writes OUTDIR/pagemap-synth.img and OUTDIR/mm-synth.img, and next to each
X.expect.json: what `crit decode -i X` must print (CRIU 4.2 schema, the
format of upstream Python CRIT: json.dumps with default separators, one line,
a trailing newline), computed here from the values written.

Image layout (CRIU 4.2): u32 LE IMG_COMMON magic, u32 LE image magic, then
entries, each a u32 LE length followed by that many bytes of message.
Fields are written in ascending field-number order, as protobuf-c does.
"""

import argparse
import json
import os
import struct
import sys

IMG_COMMON = 0x54564319
PAGEMAP_MAGIC = 0x56084025
MM_MAGIC = 0x57492820

WT_VARINT = 0
WT_LEN = 2

PE_PRESENT = 1 << 2


def varint(v):
    """Unsigned base-128 varint. Negative ints are sign-extended to 64 bits
    (that is how protobuf encodes negative int32/int64)."""
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag64(v):
    return (v << 1) ^ (v >> 63)


def key(field, wt):
    return varint((field << 3) | wt)


def f_varint(field, v):
    return key(field, WT_VARINT) + varint(v)


def f_sint64(field, v):
    return key(field, WT_VARINT) + varint(zigzag64(v))


def f_bytes(field, b):
    return key(field, WT_LEN) + varint(len(b)) + b


def entry(msg):
    return struct.pack("<I", len(msg)) + msg


def write_pagemap(path, n, expect=None):
    """pagemap_head {pages_id: 1} then n pagemap_entry with increasing vaddr.

    pagemap_entry: vaddr(1, uint64), compat_nr_pages(2, uint32),
    flags(4, uint32) = PE_PRESENT, nr_pages(5, uint64).

    compat_nr_pages carries the same count as nr_pages (what CRIU wrote before
    nr_pages became a u64 field).  That lets bench/decode.sh check the decode
    against Python CRIT 3.17, whose older schema calls field 2 `nr_pages` and
    does not know field 5.
    """
    buf = bytearray()
    buf += struct.pack("<II", IMG_COMMON, PAGEMAP_MAGIC)
    buf += entry(f_varint(1, 1))
    k1 = key(1, WT_VARINT)
    k2 = key(2, WT_VARINT)
    k4 = key(4, WT_VARINT)
    k5 = key(5, WT_VARINT)
    flags = varint(PE_PRESENT)
    vaddr = 0x7F0000000000
    parts = ['{"magic": "PAGEMAP", "entries": [{"pages_id": 1}']
    for i in range(n):
        nr = 1 + (i * 7) % 16
        nrv = varint(nr)
        msg = k1 + varint(vaddr) + k2 + nrv + k4 + flags + k5 + nrv
        buf += struct.pack("<I", len(msg))
        buf += msg
        if expect:
            parts.append(', {"vaddr": %d, "compat_nr_pages": %d, "flags": %d, '
                         '"nr_pages": %d}' % (vaddr, nr, PE_PRESENT, nr))
        vaddr += (nr + 1) * 4096  # one-page hole between runs
    with open(path, "wb") as f:
        f.write(buf)
    if expect:
        parts.append("]}\n")
        with open(expect, "w") as f:
            f.write("".join(parts))


# (prot, flags, status, has_shmid, has_fdflags, madv) patterns taken from the
# VMAs in the real CRIU 4.2 fixtures (file-private text/data, anon heap,
# guard pages, stacks, vdso/vvar...).  Left out on purpose: status 16513
# (VMA_AREA_MEMFD), which Python CRIT 3.17's flag table does not know, so its
# --pretty output could not agree with CRIU 4.2's.
VMA_KINDS = [
    (1, 2, 65, True, True, None),          # r--p file
    (5, 2, 65, True, True, None),          # r-xp file
    (3, 2, 65, True, True, None),          # rw-p file
    (3, 34, 513, False, False, None),      # rw-p anon
    (1, 34, 513, False, False, None),      # r--p anon
    (3, 290, 513, False, False, None),     # anon MAP_GROWSDOWN stack
    (1, 34, 4609, False, False, 0x10000),  # anon with madvise bits
    (5, 34, 521, False, False, None),      # vdso
    (4, 34, 516, False, False, None),      # vvar
    (3, 1, 129, True, True, None),         # shared file mapping
    (0, 34, 513, False, False, 0x10000),   # guard pages
]


def vma_entry(start, end, pgoff, shmid, kind, exp):
    prot, flags, status, has_shmid, has_fdflags, madv = kind
    exp.update(start=start, end=end, pgoff=pgoff,
               shmid=shmid if has_shmid else 0, prot=prot, flags=flags,
               status=status, fd=-1)
    if madv is not None:
        exp["madv"] = madv
    if has_fdflags:
        exp["fdflags"] = 0
    m = bytearray()
    m += f_varint(1, start)
    m += f_varint(2, end)
    m += f_varint(3, pgoff)
    m += f_varint(4, shmid if has_shmid else 0)
    m += f_varint(5, prot)
    m += f_varint(6, flags)
    m += f_varint(7, status)
    m += f_sint64(8, -1)                   # fd: always -1 in real images
    if madv is not None:
        m += f_varint(9, madv)
    if has_fdflags:
        m += f_varint(10, 0)
    return bytes(m)


def write_mm(path, nvmas, expect=None):
    """One mm_entry with every required field, a real-looking auxv and
    nvmas vma_entry (field 14), then dumpable(15) and thp_disabled(17)."""
    base = 0x55D4A0000000
    head_vals = [
        base + 0x1000,                     # 1  mm_start_code
        base + 0x24C5,                     # 2  mm_end_code
        base + 0x3DD0,                     # 3  mm_start_data
        base + 0x4060,                     # 4  mm_end_data
        0x7FFD41E9C930,                    # 5  mm_start_stack
        base + 0x2000000,                  # 6  mm_start_brk
        base + 0x2021000,                  # 7  mm_brk
        0x7FFD41E9CF94,                    # 8  mm_arg_start
        0x7FFD41E9CFB4,                    # 9  mm_arg_end
        0x7FFD41E9CFB4,                    # 10 mm_env_start
        0x7FFD41E9CFEF,                    # 11 mm_env_end
        1,                                 # 12 exe_file_id
    ]
    m = bytearray()
    for field, v in enumerate(head_vals, 1):   # all required fields
        m += f_varint(field, v)
    auxv = [33, 0x7F4B48800000, 51, 3376, 16, 395049983, 6, 4096, 17, 100,
            3, base + 0x40, 4, 56, 5, 13, 7, 0x7F4B48802000, 8, 0, 9,
            base + 0x10D0, 11, 0, 12, 0, 13, 0, 14, 0, 23, 0, 25,
            0x7FFD41E9CDF9, 26, 2, 31, 0x7FFD41E9CFEF, 15, 0x7FFD41E9CE09,
            0, 0]
    for a in auxv:                         # repeated uint64, unpacked (proto2)
        m += f_varint(13, a)
    vmas = []
    addr = 0x7F0000000000
    for i in range(nvmas):
        kind = VMA_KINDS[i % len(VMA_KINDS)]
        size = (1 + (i * 13) % 64) * 4096
        pgoff = ((i * 5) % 32) * 4096 if kind[3] else 0
        v = {}
        m += f_bytes(14, vma_entry(addr, addr + size, pgoff, 1 + i % 97, kind,
                                   v))
        vmas.append(v)
        addr += size + (4096 if i % 3 == 0 else 0)
    m += f_varint(15, 1)                   # dumpable
    m += f_varint(17, 0)                   # thp_disabled = false
    with open(path, "wb") as f:
        f.write(struct.pack("<II", IMG_COMMON, MM_MAGIC))
        f.write(entry(bytes(m)))
    if expect:
        names = ["mm_start_code", "mm_end_code", "mm_start_data",
                 "mm_end_data", "mm_start_stack", "mm_start_brk", "mm_brk",
                 "mm_arg_start", "mm_arg_end", "mm_env_start", "mm_env_end",
                 "exe_file_id"]
        e = dict(zip(names, head_vals))
        e["mm_saved_auxv"] = auxv
        e["vmas"] = vmas
        e["dumpable"] = 1
        e["thp_disabled"] = False
        with open(expect, "w") as f:
            f.write(json.dumps({"magic": "MM", "entries": [e]}) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--pagemap-entries", type=int, default=1000000)
    ap.add_argument("--vmas", type=int, default=100000)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    pm = os.path.join(a.outdir, "pagemap-synth.img")
    mm = os.path.join(a.outdir, "mm-synth.img")
    write_pagemap(pm, a.pagemap_entries, pm + ".expect.json")
    write_mm(mm, a.vmas, mm + ".expect.json")
    for p in (pm, mm):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
