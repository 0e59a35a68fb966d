#!/usr/bin/env python3
"""Check the system calls of a traced hoursd against the unit's filter.

Usage: .ci/syscall_filter.py UNIT TRACE

Under deploy/systemd/hoursd.service a system call that SystemCallFilter=
refuses fails with EPERM (SystemCallErrorNumber=): hoursd would not die, it
would misbehave. .ci/run traces `hoursd run` with strace -f in the container
view; every call made from the execve of /hoursd on must be one the filter
allows. Groups (@system-service …) are expanded with `systemd-analyze
syscall-filter`, so the check follows the systemd installed. Prints the calls
used; exits non-zero naming those the filter refuses.
"""
import re
import subprocess
import sys


def expand(name):
    """A filter item as the system calls it stands for: a group (@name) with
    its nested groups expanded by systemd-analyze, or the call itself."""
    if not name.startswith("@"):
        return {name}
    out = subprocess.run(["systemd-analyze", "syscall-filter", name],
                         capture_output=True, text=True, check=True).stdout
    calls = set()
    for line in out.splitlines():
        if line.startswith("    ") and not line.strip().startswith("#"):
            calls |= expand(line.strip())
    return calls


def allowed_calls(unit):
    """The calls the unit's filter allows: an allow list (a first line
    without ~) that later ~lines take calls out of."""
    allow, deny = set(), set()
    for line in open(unit):
        m = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
        if m:
            for item in m.group(2).split():
                (deny if m.group(1) else allow).update(expand(item))
    return allow - deny


def used_calls(trace):
    """The calls in an strace -f trace from the execve of /hoursd on (what
    strace and the chroot did before it is not hoursd's); None when the
    trace holds no such execve."""
    used, started = set(), False
    for line in open(trace):
        if not started:
            started = 'execve("/hoursd"' in line and line.rstrip().endswith("= 0")
            continue
        m = re.match(r"\d+\s+([a-z0-9_]+)\(", line)
        if m:
            used.add(m.group(1))
    return used if started else None


def main(unit, trace):
    used = used_calls(trace)
    if used is None:
        sys.exit("no execve of /hoursd in the trace")
    outside = sorted(used - allowed_calls(unit))
    if outside:
        sys.exit("hoursd uses system calls the unit's SystemCallFilter= refuses (EPERM): " + " ".join(outside))
    print("%d system calls used, all allowed: %s" % (len(used), " ".join(sorted(used))))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: .ci/syscall_filter.py UNIT TRACE")
    main(sys.argv[1], sys.argv[2])
