#!/usr/bin/env python3
"""layers.py - src/ keeps to its layers (README, "Layout").

Each folder of src/ is a layer; a file may include the headers and call
the functions of its own layer and of the layers below, never above, and
neither its headers' includes nor its objects' calls go round in a circle.

    layers.py BUILD_DIR     (the objects of make: BUILD_DIR/src/*/*.o)

Prints one line per finding and the tally make check reads.
"""
import collections
import glob
import os
import re
import subprocess
import sys

# From the bottom up: a layer may use those before it. The public header
# src/crit.h and the generated tables are below them all.
LAYERS = ["base", "format", "json", "codec", "ckpt", "mem", "explore", "core", "check", "anonymize", "cli"]


def layer(path):
    parts = path.split(os.sep)
    return parts[1] if len(parts) > 2 and parts[0] == "src" else None


def rank(path):
    name = layer(path)
    return LAYERS.index(name) if name in LAYERS else -1


def cycle(graph):
    """A circle in graph (node -> set of nodes), as a list, or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def main():
    build = sys.argv[1]
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok   " + what)
        else:
            failed += 1
            print("FAIL " + what)

    files = sorted(glob.glob("src/*/*.[ch]"))
    check(all(layer(f) in LAYERS for f in files), "every folder of src/ is a layer: " + " ".join(LAYERS))
    includes = {}
    upward = []
    for f in files:
        inc = re.findall(r'^#include "([^"]+)"', open(f).read(), re.M)
        includes[f] = {"src/" + i for i in inc if os.path.exists("src/" + i) and "/" in i}
        for i in includes[f]:
            if rank(i) > rank(f):
                upward.append(f"{f} includes {i}")
    for u in upward:
        print("  " + u)
    check(not upward, "no file includes a header of a layer above its own")
    circle = cycle(includes)
    check(circle is None, "no include circle" + (": " + " -> ".join(circle) if circle else ""))

    # The calls, from the objects' symbols.
    defined, wanted = {}, {}
    for o in sorted(glob.glob(os.path.join(build, "src/*/*.o"))):
        src = os.path.relpath(o, build)[:-2] + ".c"
        if not os.path.exists(src):
            continue  # left by a file since moved
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "TDRB":
                defined[f[2]] = src
            elif len(f) == 2 and f[0] == "U":
                wanted.setdefault(src, set()).add(f[1])
    check(len(wanted) >= 10, f"the objects of {build} are there ({len(wanted)})")
    calls = collections.defaultdict(set)
    up = []
    for src, syms in wanted.items():
        for s in syms:
            to = defined.get(s)
            if to and to != src:
                calls[src].add(to)
                if rank(to) > rank(src):
                    up.append(f"{src} uses {s} of {to}")
    for u in sorted(up):
        print("  " + u)
    check(not up, "no file calls a function of a layer above its own")
    circle = cycle(calls)
    check(circle is None, "no two files call each other, directly or round" +
          (": " + " -> ".join(circle) if circle else ""))

    print(f"layers: {passed} passed, {failed} failed")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
