#!/usr/bin/env python3
"""Copy the Docker build context of hoursd into a directory.

Usage: .ci/docker_context.py DEST   (run from the repository root)

.ci/run builds hoursd with the Dockerfile's `go build` line in the context
Docker would send, so that a package or an embedded file that .dockerignore
leaves out fails CI instead of the image build. The context is every file
that .dockerignore lets through, with Docker's pattern rules: patterns are
anchored at the root, * matches within a name, ** across directories, ?
one character, a leading ! takes an exclusion back, the last matching line
wins, and an excluded directory excludes everything under it. .git is never
sent.
"""
import os
import re
import shutil
import sys


def pattern(pat):
    """The regular expression of one .dockerignore pattern."""
    out, i = "", 0
    while i < len(pat):
        if pat.startswith("**/", i):  # any number of directories, none too
            out, i = out + "(?:.*/)?", i + 3
        elif pat.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pat[i] == "*":  # within one name
            out, i = out + "[^/]*", i + 1
        elif pat[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pat[i]), i + 1
    return re.compile(out + "$")


def read_rules(path):
    """The (takes back, pattern) pairs of a .dockerignore, in file order."""
    rules = []
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            back = line.startswith("!")
            rules.append((back, pattern(line.lstrip("!").strip().strip("/"))))
    return rules


def ignored(rules, rel):
    """Whether the file at rel (relative to the root) stays out of the
    context: the last rule that matches the file or one of its directories
    decides."""
    parts, verdict = rel.split("/"), False
    for back, rx in rules:
        if any(rx.match("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            verdict = not back
    return verdict


def main(dest):
    rules = read_rules(".dockerignore")
    for top, dirs, files in os.walk("."):
        dirs[:] = [d for d in dirs if d != ".git"]
        for f in files:
            rel = os.path.relpath(os.path.join(top, f), ".")
            if not ignored(rules, rel):
                os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
                shutil.copy2(rel, os.path.join(dest, rel))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: .ci/docker_context.py DEST")
    main(sys.argv[1])
