#!/usr/bin/env python3
"""check.py - the host side of testsuite/vm/syscalls/run-tests: compares
what the syscall tapset printed (E NAME|ARGSTR, R NAME|RETSTR, A NR|NAME,
B NR|NAME|RETSTR lines) with what the workload expected (X NAME<TAB>ARGSTR
<TAB>RETSTR, '*' = any text).  Prints PASS:/FAIL: lines.

  check.py OUT EXP ALIASES RETALIASES"""
import re
import sys

out, exp, aliases, retaliases = sys.argv[1:5]


def pat(s):
    return re.compile("^" + ".*".join(re.escape(p) for p in s.split("*")) + "$", re.S)


calls = []          # [name, argstr, retstr or None]
pending = {}
anys, anyrets, ents = [], [], set()
for line in open(out, errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("E "):
        name, _, a = line[2:].partition("|")
        c = [name, a, None]
        calls.append(c)
        pending.setdefault(name, []).append(c)
        ents.add(name)
    elif line.startswith("R "):
        name, _, r = line[2:].partition("|")
        if pending.get(name):
            pending[name].pop(0)[2] = r
        else:
            calls.append([name, None, r])
    elif line.startswith("A "):
        anys.append(line[2:].split("|"))
    elif line.startswith("B "):
        anyrets.append(line[2:].split("|"))

npass = nfail = 0


def result(ok, desc, *more):
    global npass, nfail
    if ok:
        npass += 1
        print("PASS: " + desc)
    else:
        nfail += 1
        print("FAIL: " + desc)
        for m in more:
            print("    " + m)


for line in open(exp):
    if not line.startswith("X "):
        continue
    f = line[2:].rstrip("\n").split("\t")
    name, a, r = f[0], f[1], f[2]
    pa, pr = pat(a), pat(r)
    ok = any(c[0] == name and c[1] is not None and pa.match(c[1]) and
             (c[2] is None or pr.match(c[2])) for c in calls)
    ret_ok = any(c[0] == name and c[1] is not None and pa.match(c[1]) and
                 c[2] is not None and pr.match(c[2]) for c in calls)
    noret = name in ("exit", "exit_group", "rt_sigreturn")
    seen = ["%s -> %s" % (c[1], c[2]) for c in calls if c[0] == name][:4]
    result(ok and (noret or ret_ok), "syscall.%s: argstr %s, retstr %s" % (name, a, r),
           "seen: " + (" ; ".join(seen) if seen else "no call"))

# Every alias fired for the workload.
for n in open(aliases).read().split():
    result(n in ents, "syscall.%s fired" % n)
rets = {c[0] for c in calls if c[2] is not None}
for n in open(retaliases).read().split():
    result(n in rets, "syscall.%s.return fired" % n)

# syscall_any: numbers and names agree, names of the workload's calls.
bynr = {}
for nr, name in anys:
    bynr.setdefault(nr, set()).add(name)
result(bynr.get("0") == {"read"} and bynr.get("257") == {"openat"} and
       bynr.get("39") == {"getpid"} and bynr.get("231") == {"exit_group"},
       "syscall_any: nr/name 0 read, 257 openat, 39 getpid, 231 exit_group",
       "seen: %s" % sorted((k, sorted(v)) for k, v in bynr.items())[:12])
anynames = {a[1] for a in anys}
missing = sorted(ents - anynames - {"stat", "lstat", "fstat", "uname", "umount",
                                     "pread", "pwrite", "fstatat"})
result(len(anys) >= len([c for c in calls if c[1] is not None]) and not missing,
       "syscall_any: at least as many calls as syscall.* (%d, %d), every name" %
       (len(anys), len([c for c in calls if c[1] is not None])), "missing: %s" % missing)
result(any(b[1] == "open" and b[2] == "-2 (ENOENT)" for b in anyrets) and
       any(b[1] == "getppid" and re.match(r"^[0-9]+$", b[2]) for b in anyrets),
       "syscall_any.return: open -2 (ENOENT), getppid's pid",
       "seen: %s" % [b for b in anyrets if b[1] in ("open", "getppid")][:4])
print("%d passed, %d failed" % (npass, nfail))
