#!/usr/bin/env python3
"""The layout's two rules, checked from the sources (tests/integration/docs.sh runs this):
1. Folders stand in order: src/base < src/cgroup < src/run < src/observe < src/cmd < ui <
   src/main.c. A file includes headers of its own folder and of folders before it, never after.
2. No two files call each other, directly or round a longer loop: the call graph between .c
   files (a call = a use of a function another file defines, found with Universal Ctags) has no
   cycle.
Prints each violation and exits 1; with --graph prints the file graph."""
import os, re, subprocess, sys, json
from collections import defaultdict

ORDER = ["src/base", "src/cgroup", "src/run", "src/observe", "ui", "src/cmd", "src"]
root = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "."
os.chdir(root)
files = []
for d in ORDER:
    for f in sorted(os.listdir(d)):
        if f.endswith((".c", ".h")):
            files.append(f"{d}/{f}")
where = {os.path.basename(f): os.path.dirname(f) for f in files}
bad = []
for f in files:
    rank = ORDER.index(os.path.dirname(f))
    for m in re.finditer(r'^#include "([^"]+)"', open(f).read(), re.M):
        h = m.group(1)
        if h not in where:
            bad.append(f"{f}: includes {h}, which is in no folder of the layout")
        elif ORDER.index(where[h]) > rank:
            bad.append(f"{f}: includes {where[h]}/{h}, a folder above its own")

# Rule 2: who defines each function (ctags), who uses it.
cfiles = [f for f in files if f.endswith(".c")]
out = subprocess.run(["ctags", "--output-format=json", "--kinds-C=f", "--fields=+n", "-f", "-"] + cfiles,
                     capture_output=True, text=True, check=True).stdout
defs = defaultdict(set)
for line in out.splitlines():
    t = json.loads(line)
    if t.get("_type") == "tag" and t.get("kind") == "function" and "static" not in t.get("pattern", ""):
        defs[t["name"]].add(t["path"])
ident = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
strip = re.compile(r'/\*.*?\*/|//[^\n]*|"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'', re.S)
graph = defaultdict(set)
for f in cfiles:
    text = strip.sub(" ", open(f).read())
    for name in set(ident.findall(text)):
        for g in defs.get(name, ()):
            if g != f:
                graph[f].add(g)
for f in cfiles:
    for g in sorted(graph[f]):
        if ORDER.index(os.path.dirname(g)) > ORDER.index(os.path.dirname(f)):
            bad.append(f"{f}: calls into {g}, a folder above its own")
# Cycles: strongly connected components of more than one file (Tarjan).
index, low, stack, on, comps, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: comps.append(sorted(c))
sys.setrecursionlimit(10000)
for v in cfiles:
    if v not in index: visit(v)
for c in comps:
    pairs = [f"{a} -> {b}" for a in c for b in sorted(graph[a]) if b in c]
    bad.append("files that call each other: " + "; ".join(pairs))
if "--graph" in sys.argv:
    for f in cfiles:
        print(f, "->", " ".join(sorted(graph[f])))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
