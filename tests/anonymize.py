#!/usr/bin/env python3
"""anonymize.py - an independent check of one `crit anonymize IN OUT`.

    anonymize.py CRIT IN OUT MAP REPORT

REPORT is `crit anonymize --json`'s output. crit itself only decodes
(crit decode, crit x --json, crit check); what was to be removed is found
here on our own: the names crit x shows, the strings of the pages, the
payloads, the addresses (here, from the pretty JSON and from the netlink
dumps, read with this file's own parser), and compared with OUT's bytes.
Prints one line per failure; exits 1 when there is one.
"""
import base64
import json
import os
import quopri
import re
import struct
import subprocess
import sys

CRIT, IN, OUT, MAP, REPORT = sys.argv[1:6]
failures = []


def fail(msg):
    failures.append(msg)
    print("  " + msg)


def run(*args):
    p = subprocess.run([CRIT, *args], capture_output=True)
    return p.returncode, p.stdout


def decode(path, pretty=False):
    rc, out = run("decode", "-i", path, *(["--pretty"] if pretty else []))
    return json.loads(out) if rc == 0 else None


def files(d):
    return sorted(f for f in os.listdir(d) if os.path.isfile(os.path.join(d, f)) or f == "parent")


def raw(d, f):
    with open(os.path.join(d, f), "rb") as fh:
        return fh.read()


report = json.load(open(REPORT))
as_is = {u["image"] for u in report["unjudged"] if u["field"] is None and u["written"]}
mapping = json.load(open(MAP))

# ---- the same files; every image decodes as before, with the same shape
if files(IN) != files(OUT):
    fail("files differ: %s" % sorted(set(files(IN)) ^ set(files(OUT))))

REGISTERS = {"gpregs", "fpregs", "xsave"}
ADDRESSES = {"src_addr", "dst_addr"}
pairs = {}      # original component -> replacement, seen in the images
addr_pairs = {}


def pair(x, y, where):
    if pairs.setdefault(x, y) != y:
        fail("%s: %r maps to %r and to %r" % (where, x, pairs[x], y))


def note(a, b, where):
    """a and b (strings of IN and OUT at one place): the same, or mapped
    component by component, one to one; a component that is no name of
    the map holds the kernel's words (mount options, "memory.max"), each
    the same or mapped."""
    if a == b:
        return
    ca, cb = a.split("/"), b.split("/")
    if len(ca) != len(cb):
        fail("%s: %r became %r: not component by component" % (where, a, b))
        return
    for x, y in zip(ca, cb):
        if x in ("", ".", "..") or x == y:
            continue
        if x.strip("\0") in mapping["names"]:  # a socket's name keeps its NULs
            pair(x.strip("\0"), y.strip("\0"), where)
            continue
        wa, wb = re.split(r"([.=,: \t\n\0])", x), re.split(r"([.=,: \t\n\0])", y)
        if len(wa) != len(wb):
            fail("%s: %r became %r: not word by word" % (where, x, y))
            continue
        for v, w in zip(wa, wb):
            if v != w:
                pair(v, w, where)


def compare(a, b, where, key=""):
    if isinstance(a, dict):
        if not isinstance(b, dict) or set(a) != set(b):
            fail("%s: members differ" % where)
            return
        for k in a:
            if k == "extra":
                payload(a[k], b[k], where + ".extra")
            else:
                compare(a[k], b[k], where + "." + k, k)
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            fail("%s: list lengths differ" % where)
            return
        if key in ADDRESSES:
            if a != b:
                addr_pairs.setdefault(tuple(a), tuple(b))
                if addr_pairs[tuple(a)] != tuple(b):
                    fail("%s: an address mapped two ways" % where)
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, "%s[%d]" % (where, i), key)
    elif isinstance(a, str):
        if key == "name" and "=" in a:  # a unix socket's name, as quopri
            a = quopri.decodestring(a.encode("latin1")).decode("latin1")
            b = quopri.decodestring(b.encode("latin1")).decode("latin1")
        if key == "address":  # a hardware address: mapped, or all 0s or 1s kept
            d, e = base64.b64decode(a), base64.b64decode(b)
            if d != e and mapping["hardware"].get(d.hex(":")) != e.hex(":"):
                fail("%s: %s became %s, not as the map says" % (where, d.hex(":"), e.hex(":")))
            if d == e and d.strip(b"\0") and d.strip(b"\xff"):
                fail("%s: %s kept" % (where, d.hex(":")))
            return
        if key in ("data", "siginfo"):  # tty data, a signal's info: zeros, as long
            d, e = base64.b64decode(a), base64.b64decode(b)
            if len(d) != len(e) or any(e):
                fail("%s: not zeros of the same length" % where)
        elif not isinstance(b, str):
            fail("%s: a string became %r" % (where, b))
        else:
            note(a, b, where)
    elif isinstance(a, bool) or a is None:
        if a != b:
            fail("%s: %r became %r" % (where, a, b))
    elif any(r in where.split(".") for r in REGISTERS):
        if b != 0:
            fail("%s: a register is %r, not 0" % (where, b))
    elif a != b:
        fail("%s: %r became %r" % (where, a, b))


def payload(a, b, where):
    """Payloads: base64 strings, {inq, outq}, or lists (semaphores, messages)."""
    if isinstance(a, str):
        d, e = base64.b64decode(a), base64.b64decode(b)
        if len(d) != len(e) or any(e):
            fail("%s: not %d zeros" % (where, len(d)))
    elif isinstance(a, dict):
        for k in a:
            payload(a[k], b.get(k), where + "." + k)
    elif isinstance(a, list):
        if len(a) != len(b):
            fail("%s: length differs" % where)
        for x, y in zip(a, b):
            if isinstance(x, dict):  # a queued message's header, then its data
                compare(x, y, where)
            elif isinstance(x, int):
                if y != 0:
                    fail("%s: %r is not 0" % (where, y))
            else:
                payload(x, y, where)


decoded_out = []
for f in files(IN):
    if f == "parent":
        if raw(IN, f) != raw(OUT, f) and os.readlink(os.path.join(IN, f)) != os.readlink(os.path.join(OUT, f)):
            fail("parent: not carried over")
        continue
    a = decode(os.path.join(IN, f))
    if re.match(r"(pages|tmpfs)-", f):
        d, e = raw(IN, f), raw(OUT, f)
        if len(d) != len(e) or e.count(0) != len(e):
            fail("%s: not %d zeros" % (f, len(d)))
        continue
    if a is None:
        continue
    b = decode(os.path.join(OUT, f))
    if b is None:
        fail("%s: crit decode reads IN's, not OUT's" % f)
        continue
    decoded_out.append(b)
    if a["magic"] != b["magic"] or len(a["entries"]) != len(b["entries"]):
        fail("%s: magic or entry count differ" % f)
        continue
    compare(a, b, f)
    if a == b and raw(IN, f) != raw(OUT, f):
        fail("%s: untouched, but its bytes differ" % f)
    # crit encode gives OUT's bytes back
    p = subprocess.run([CRIT, "encode"], input=json.dumps(b).encode(), capture_output=True)
    if p.returncode != 0 or p.stdout != raw(OUT, f):
        fail("%s: crit decode | crit encode does not give the bytes back" % f)

# ---- one to one: no two originals share a replacement; the map agrees
if len(set(pairs.values())) != len(pairs):
    fail("two originals map to one replacement")
for x, y in pairs.items():
    if mapping["names"].get(x) != y:
        fail("the map has %r -> %r, the images %r" % (x, mapping["names"].get(x), y))
if set(mapping["names"]) & set(mapping["names"].values()):
    fail("a replacement is an original")

# ---- nothing to be removed is left: harvested on our own


def xjson(d, what):
    rc, out = run("x", d, what, "--json")
    return json.loads(out) if rc == 0 else None


secrets = set()     # names and path components
contents = set()    # strings of memory and streams
if os.path.exists(os.path.join(IN, "pstree.img")):
    for t in xjson(IN, "ps") or []:
        secrets.add(t["comm"])
    for t in xjson(IN, "fds") or []:
        for fd in t["fds"]:
            if fd["name"].startswith("/"):
                secrets.update(fd["name"].split("/"))
        for p in (t["cwd"], t["root"]):
            secrets.update((p or "").split("/"))
    for t in xjson(IN, "mems") or []:
        for p in [t["exe"]] + [v["file"] for v in t["vmas"]]:
            secrets.update((p or "").split("/"))
    for t in xjson(IN, "sk") or []:
        for s in t["sockets"]:
            if s["family"] == "unix" and s["src"]:
                secrets.update(s["src"].strip("\0").split("/"))
secrets.update(pairs)          # whatever differs was an original
secrets -= {"", ".", ".."}

for f in files(IN):
    if re.match(r"pages-", f):   # the memory's strings: argv, env, heap
        contents.update(m.decode() for m in re.findall(rb"[ -~]{12,}", raw(IN, f))[:2000])


def blobs(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("extra", "data") and isinstance(v, str):
                yield base64.b64decode(v)
            elif k == "extra" and isinstance(v, dict):
                for w in v.values():
                    yield base64.b64decode(w)
            else:
                yield from blobs(v)
    elif isinstance(x, list):
        for v in x:
            yield from blobs(v)


for f in files(IN):
    a = decode(os.path.join(IN, f)) if f != "parent" else None
    for blob in blobs(a):
        contents.update(m.decode() for m in re.findall(rb"[ -~]{6,}", blob))

out_bytes = b"".join(raw(OUT, f) for f in files(OUT) if f not in as_is and f != "parent")
out_strings = set()


def strings(x):
    if isinstance(x, dict):
        for v in x.values():
            strings(v)
    elif isinstance(x, list):
        for v in x:
            strings(v)
    elif isinstance(x, str):
        out_strings.add(x)
        out_strings.update(x.split("/"))


for b in decoded_out:
    strings(b)
for s in sorted(secrets):
    if s in out_strings:
        fail("%r: an original name is in OUT's images" % s)
    elif len(s) >= 4 and re.search(rb"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(s.encode()), out_bytes):
        fail("%r: an original name is in OUT's bytes (grep -w)" % s)
for s in sorted(contents):
    if s.encode() in out_bytes:
        fail("%r: memory or stream contents are in OUT's bytes" % s)

# ---- addresses: from the pretty JSON and the netlink dumps


def netlink_addrs(data):
    """The address attributes of an iproute2 dump, by our own reading."""
    hdr = {0x47361222: (8, {1, 2, 4, 5, 7}), 0x45311224: (12, {1, 2, 5, 7}), 0x71706986: (12, {1, 2})}
    if len(data) < 4 or struct.unpack("<I", data[:4])[0] not in hdr:
        return
    size, addrs = hdr[struct.unpack("<I", data[:4])[0]]
    off = 4
    while off + 16 <= len(data):
        (ln,) = struct.unpack_from("<I", data, off)
        if ln < 16:
            return
        family = data[off + 16]
        a = off + 16 + ((size + 3) & ~3)
        while a + 4 <= off + ln:
            alen, atype = struct.unpack_from("<HH", data, a)
            if alen < 4:
                break
            if atype & 0x3FFF in addrs and alen - 4 == (4 if family == 2 else 16):
                yield bytes(data[a + 4:a + alen])
            a += (alen + 3) & ~3
        off += (ln + 3) & ~3


def kept_address(b):
    return (len(b) == 4 and (b[0] == 127 or not any(b))) or (len(b) == 16 and not any(b[:15]) and b[15] <= 1)


addrs = set()
for f in files(IN):
    if re.match(r"(ifaddr|route6?|rule)-", f):
        addrs.update(a for a in netlink_addrs(raw(IN, f)) if not kept_address(a))
        out_addrs = list(netlink_addrs(raw(OUT, f)))
        if len(out_addrs) != len(list(netlink_addrs(raw(IN, f)))):
            fail("%s: not as many addresses" % f)
    for key, words in addr_pairs.items():
        b = b"".join(struct.pack("<I", w) for w in key)
        if not kept_address(b):
            addrs.add(b)
for a in addrs:
    if a in out_bytes:
        fail("%s: an address is in OUT's bytes" % a.hex())

# ---- crit x: the same shape


def shape(x):
    if isinstance(x, dict):
        return {k: shape(v) for k, v in x.items() if k not in ("comm", "name", "file", "exe", "cwd", "root", "src", "dst")}
    if isinstance(x, list):
        return [shape(v) for v in x]
    return x


if os.path.exists(os.path.join(IN, "pstree.img")):
    for what in ("ps", "fds", "mems", "sk"):
        a, b = xjson(IN, what), xjson(OUT, what)
        if b is None or shape(a) != shape(b):
            fail("crit x %s: not the same shape" % what)

# ---- crit check: whole when IN is
if subprocess.run([CRIT, "check", IN], capture_output=True).returncode == 0:
    p = subprocess.run([CRIT, "check", OUT], capture_output=True)
    if p.returncode != 0:
        fail("crit check finds OUT damaged: %s" % p.stdout.decode(errors="replace"))

# ---- Python CRIT reads OUT's images where it reads IN's
PYCRIT = """
import sys
from pycriu import images
for f in sys.argv[1:]:
    try:
        images.load(open(f, "rb"))
        print("ok")
    except Exception:
        print("no")
"""
names = [f for f in files(IN) if f != "parent" and not re.match(r"pages-", f)]
res = []
for d in (IN, OUT):
    p = subprocess.run(["/usr/bin/python3", "-c", PYCRIT] + [os.path.join(d, f) for f in names],
                       capture_output=True, text=True)
    res.append(p.stdout.split())
if len(res[0]) != len(names) or not any(r == "ok" for r in res[0]):
    fail("Python CRIT (pycriu) did not run: %s" % p.stderr[-300:])
for f, x, y in zip(names, *res):
    if x == "ok" and y != "ok":
        fail("%s: Python CRIT reads IN's, not OUT's" % f)

sys.exit(1 if failures else 0)
