"""Helpers shared by bench/bench.py, bench/encode.py and bench/explore.py
(Python 3 standard library only): logging, timing (best of N wall time),
peak RSS measurement, output comparison, formatting and table printing.

How things are measured
  wall time  timed_run(): one run started with posix_spawn (vfork-style, so
             the harness's own size costs nothing) with stdout and stderr on
             /dev/null, timed with time.perf_counter() around spawn+wait.  The
             harnesses keep the best of N such runs.
  peak RSS   RssProbe.run(): ru_maxrss of the tool, from `/usr/bin/time -f
             %M` (GNU time forks from a tiny process, so its own footprint
             does not leak into the figure), with stdout to a file (page cache
             is not RSS).  If /usr/bin/time lacks -f %M, a fresh python3
             wrapper reads getrusage(RUSAGE_CHILDREN) instead; that figure
             includes the wrapper's own RSS, inherited through fork/exec, so
             it is only an upper bound.
  MB/s       fmt_mbs(): input size / best wall time, MB = 10^6 bytes.
"""

import argparse
import os
import subprocess
import sys
import time

T0 = time.monotonic()
_devnull_fd = None


def log(msg):
    sys.stderr.write("[%6.1fs] %s\n" % (time.monotonic() - T0, msg))
    sys.stderr.flush()


def die(msg):
    sys.stderr.write("\nbench: FATAL: %s\n" % msg)
    sys.exit(2)


# ------------------------------------------------------------------ set-up

def arg_parser(runs, fixtures=False, images=True):
    """The options the harnesses take (the .sh drivers pass them; images:
    those of bench_run in lib.sh, for mkimages.py's images), with
    --crit-runs and --py-runs defaulting to the pair runs; each harness adds
    its own after these."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--crit-runs", type=int, default=runs[0])
    ap.add_argument("--py-runs", type=int, default=runs[1])
    ap.add_argument("--crit", required=True)
    ap.add_argument("--pycrit", default="/usr/bin/crit")
    if fixtures:
        ap.add_argument("--fixtures", required=True)
    ap.add_argument("--tmp", required=True)
    if images:
        ap.add_argument("--synth", required=True,
                        help="dir made by mkimages.py")
        ap.add_argument("--pagemap-entries", type=int, required=True)
        ap.add_argument("--vmas", type=int, required=True)
    return ap


def start(a):
    """Returns (load average at start, Python CRIT installed?, RssProbe)."""
    return os.getloadavg(), os.access(a.pycrit, os.X_OK), RssProbe(a.tmp)


# ---------------------------------------------------------------- measuring

def timed_run(argv):
    """One run, stdout/stderr to /dev/null. Returns (seconds, exit status)."""
    global _devnull_fd
    if _devnull_fd is None:
        _devnull_fd = os.open(os.devnull, os.O_WRONLY)
    fa = [(os.POSIX_SPAWN_DUP2, _devnull_fd, 1),
          (os.POSIX_SPAWN_DUP2, _devnull_fd, 2)]
    t = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=fa)
    _, status = os.waitpid(pid, 0)
    t = time.perf_counter() - t
    return t, os.waitstatus_to_exitcode(status)


def fill_times(times, n, argv, what):
    """Append the wall times of timed runs of argv to the list `times` until
    it holds n; fatal if a run fails (what: how to name it then)."""
    while len(times) < n:
        t, rc = timed_run(argv)
        if rc != 0:
            die("%s exited %d while timing `%s`" % (what, rc, " ".join(argv)))
        times.append(t)
    return times


def spawn_floor(n=20):
    """Best of n wall times of spawning /bin/true: what starting any process
    costs here, a floor under every time measured.  None without it."""
    if not os.access("/bin/true", os.X_OK):
        return None
    return min(timed_run(["/bin/true"])[0] for _ in range(n))


class RssProbe:
    def __init__(self, tmpdir):
        self.tmpdir = tmpdir
        self.out = os.path.join(tmpdir, "rss.txt")
        self.gnu = False
        if os.access("/usr/bin/time", os.X_OK):
            try:
                subprocess.run(["/usr/bin/time", "-f", "%M", "-o", self.out,
                                "true"], check=True,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                with open(self.out) as f:
                    int(f.read().split()[-1])
                self.gnu = True
            except (subprocess.CalledProcessError, ValueError, IndexError,
                    OSError):
                self.gnu = False
        self.how = ("/usr/bin/time -f %M" if self.gnu else
                    "python3 getrusage(RUSAGE_CHILDREN) wrapper "
                    "(upper bound: includes the wrapper's own RSS)")

    def run(self, argv, stdout_path, stderr_path):
        """Run argv with stdout to a file. Returns (seconds, rc, maxrss KiB)."""
        if self.gnu:
            wrapped = ["/usr/bin/time", "-f", "%M", "-o", self.out] + argv
        else:
            wrapped = [sys.executable, "-c",
                       "import resource,subprocess,sys\n"
                       "rc = subprocess.call(sys.argv[2:])\n"
                       "open(sys.argv[1], 'w').write('%d\\n' % resource."
                       "getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                       "sys.exit(rc)\n", self.out] + argv
        if os.path.exists(self.out):
            os.unlink(self.out)
        with open(stdout_path, "wb") as o, open(stderr_path, "wb") as e:
            t = time.perf_counter()
            p = subprocess.run(wrapped, stdout=o, stderr=e)
            t = time.perf_counter() - t
        rss = None
        try:
            with open(self.out) as f:
                # GNU time prefixes "Command exited with non-zero status N"
                rss = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        return t, p.returncode, rss


# ------------------------------------------------------------------ checking

def first_diff(a, b):
    n = min(len(a), len(b))
    i = 0
    step = 1 << 16
    while i < n and a[i:i + step] == b[i:i + step]:
        i += step
    while i < n and a[i] == b[i]:
        i += 1
    return "first difference at byte %d (sizes %d vs %d): crit %r / other %r" % (
        i, len(a), len(b), a[max(0, i - 40):i + 40], b[max(0, i - 40):i + 40])


def read(path):
    with open(path, "rb") as f:
        return f.read()


# ----------------------------------------------------------------- formatting

def _places(v, steps, rest):
    """v with as many decimal places as the first (threshold, places) of
    steps that v reaches gives, `rest` places below them all."""
    for limit, places in steps:
        if v >= limit:
            return "%.*f" % (places, v)
    return "%.*f" % (rest, v)


def fmt_time(s):
    if s is None:
        return "-"
    if s >= 1:
        return _places(s, ((10, 1),), 2) + " s"
    return ("%.1f ms" if s >= 0.01 else "%.2f ms") % (s * 1e3)


def fmt_size(n):
    for div, unit in ((1e6, "MB"), (1e3, "kB")):
        if n >= div:
            return "%.1f %s" % (n / div, unit)
    return "%d B" % n


def fmt_kib(k):
    if k is None:
        return "-"
    return ("%.0f MiB" if k >= 10240 else "%.2f MiB") % (k / 1024)


def fmt_ratio(r):
    if r is None:
        return "n/a"
    return _places(r, ((100, 0), (10, 1)), 2) + "x"


def fmt_mbs(size, t):
    return _places(size / 1e6 / t, ((100, 0), (1, 1)), 3)


# ------------------------------------------------------------------ printing

def machine_line(load_start, load_end):
    """The table header's line about the machine and its load."""
    return ("machine: %d CPUs; load average %.2f at start, %.2f at end "
            "(other processes share the CPUs)"
            % (os.cpu_count(), load_start[0], load_end[0]))


def print_ratio_and_machine(rss_how, load_start, load_end, floor, extra=""):
    """The header lines on ratio, RSS, the machine and its spawn floor."""
    print("ratio = python time / crit time; RSS = peak RSS (ru_maxrss) via "
          + rss_how + extra)
    print(machine_line(load_start, load_end) + "; spawning /bin/true takes "
          "%s (best of 20), a floor under every time below" % fmt_time(floor))


def print_table(hdr, rows, left):
    """Print hdr, a line of dashes and rows as columns two spaces apart, each
    as wide as its widest cell; the columns numbered in `left` are
    left-aligned, the others right-aligned.  Then a blank line."""
    w = [max(len(str(x[i])) for x in rows + [hdr]) for i in range(len(hdr))]

    def line(cells):
        return "  ".join(str(v).ljust(w[i]) if i in left else
                         str(v).rjust(w[i]) for i, v in enumerate(cells))

    print(line(hdr))
    print(line(["-" * x for x in w]))
    for r in rows:
        print(line(r))
    print()


def finish(problems):
    """Print the PROBLEMS with crit, if any; return the exit status."""
    if problems:
        print()
        print("PROBLEMS with crit:")
        for p in problems:
            print("  ! " + p)
    print()
    return 1 if problems else 0
