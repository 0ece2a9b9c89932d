"""Runs one side-by-side pair: NAME.py under python3-gevent and its C++ port, and compares what they
print on stdout, line by line. Both must exit with 0. Used by tests/gevent/CMakeLists.txt:

    compare.py SCRIPT PROGRAM [--emulator 'qemu-arm ...'] [--stderr-match REGEX]

--stderr-match: the C++ program's stderr must also match REGEX (what it says about stragglers, say).
Each side runs with a bounded wait: a side that hangs fails the test instead of hanging it.
Exits 77 (ctest: skipped, and listed as such) when this python has no gevent module.
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys

BOUND = 30  # seconds each side may take; the slowest pair takes well under one


def run(argv):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=BOUND,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    except subprocess.TimeoutExpired as e:
        sys.exit("%s did not end within %d s; stdout so far:\n%s" %
                 (" ".join(argv), BOUND, (e.stdout or b"").decode(errors="replace")))
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("script")
    ap.add_argument("program")
    ap.add_argument("--emulator", default="")
    ap.add_argument("--stderr-match", default=None)
    args = ap.parse_args()
    try:
        import gevent  # noqa: F401  (only asking whether it is there)
    except ImportError:
        print("python3-gevent is not installed for %s: skipped" % sys.executable)
        sys.exit(77)

    py_rc, py_out, py_err = run([sys.executable, "-u", args.script])
    if py_rc != 0:
        sys.exit("python side exited with %d\nstdout:\n%s\nstderr:\n%s" % (py_rc, py_out, py_err))
    cc_rc, cc_out, cc_err = run(shlex.split(args.emulator) + [args.program])
    if cc_rc != 0:
        sys.exit("C++ side exited with %d\nstdout:\n%s\nstderr:\n%s" % (cc_rc, cc_out, cc_err))
    if py_out != cc_out:
        diff = difflib.unified_diff(py_out.splitlines(True), cc_out.splitlines(True),
                                    "gevent: " + os.path.basename(args.script),
                                    "pinfiber: " + os.path.basename(args.program))
        sys.exit("outputs differ:\n" + "".join(diff) + "\nC++ stderr:\n" + cc_err)
    if args.stderr_match and not re.search(args.stderr_match, cc_err):
        sys.exit("C++ stderr does not match %r:\n%s" % (args.stderr_match, cc_err))
    print("same %d lines" % len(py_out.splitlines()))


if __name__ == "__main__":
    main()
