#!/usr/bin/env python3
"""metacpu.py N ROUNDS DIR...: per metadata op, CPU ms/op of the curve-fuse serving each DIR, of the
metaservers+MDS, and of the machine, with DIRs alternating inside every round (order flips each round)."""
import os, sys, time
n, rounds, dirs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
tick = os.sysconf("SC_CLK_TCK")
def procs():
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit(): continue
        try:
            cmd = open(f"/proc/{p}/cmdline","rb").read().split(b"\0")
            if not cmd or not cmd[0].endswith(b"java"): continue
            st = open(f"/proc/{p}/stat").read().rsplit(")",1)[1].split()
            c = int(st[11]) + int(st[12])
            if any(b"CurveFuseMain" in x for x in cmd):
                name = "fuse:" + os.path.basename([x for x in cmd if x][-1].decode())
            elif any(b"Metaserver" in x or b"Mds" in x for x in cmd): name = "servers"
            else: continue
            out[p] = (name, c)
        except Exception: pass
    return out
def machine():
    v = list(map(int, open("/proc/stat").readline().split()[1:])); return sum(v) - v[3] - v[4]
def phases(base):
    f = [os.path.join(base, f"f{i}") for i in range(n)]
    g = [os.path.join(base, f"g{i}") for i in range(n)]
    d = [os.path.join(base, f"d{i}") for i in range(n)]
    return [("create", lambda: [os.close(os.open(p, os.O_CREAT|os.O_EXCL|os.O_WRONLY, 0o644)) for p in f]),
            ("open+close", lambda: [os.close(os.open(p, os.O_RDONLY)) for p in f]),
            ("stat", lambda: [os.stat(p) for p in f]),
            ("rename", lambda: [os.rename(a, b) for a, b in zip(f, g)]),
            ("unlink", lambda: [os.unlink(p) for p in g]),
            ("mkdir", lambda: [os.mkdir(p) for p in d]),
            ("rmdir", lambda: [os.rmdir(p) for p in d])]
res = {}
for r in range(rounds):
    order = dirs if r % 2 == 0 else dirs[::-1]
    for dr in order:
        base = os.path.join(dr, f"metacpu-{os.getpid()}-{r}"); os.mkdir(base)
        fuse = "fuse:" + os.path.basename(os.path.abspath(dr).rstrip("/"))
        for name, fn in phases(base):
            b, m0, t0 = procs(), machine(), time.time()
            fn()
            a, m1, t1 = procs(), machine(), time.time()
            tot = {}
            for p, (k, c) in a.items():
                if p in b: tot[k] = tot.get(k, 0) + c - b[p][1]
            key = (name, dr)
            res.setdefault(key, []).append((n / (t1 - t0), tot.get(fuse, 0) / tick * 1000 / n,
                                            tot.get("servers", 0) / tick * 1000 / n, (m1 - m0) / tick * 1000 / n))
        os.rmdir(base)
print(f"{n} items, {rounds} rounds, mean of rounds (ops/s | client CPU ms/op | servers CPU ms/op | machine CPU ms/op)")
print("op".ljust(12) + "".join(dr.ljust(44) for dr in dirs))
for name in ["create", "open+close", "stat", "rename", "unlink", "mkdir", "rmdir"]:
    row = name.ljust(12)
    for dr in dirs:
        v = res[(name, dr)]; m = [sum(x[i] for x in v) / len(v) for i in range(4)]
        row += f"{m[0]:7.0f} | {m[1]:.3f} | {m[2]:.3f} | {m[3]:.3f}".ljust(44)
    print(row)
