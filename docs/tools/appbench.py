#!/usr/bin/env python3
"""appbench.py DIR...: real programs on a corpus of a few thousand files (default /usr/lib/python3,
override with CORPUS=path), in each DIR in turn: git clone (from a local repository of the corpus),
cp -a, tar x, rm -rf. Prints wall seconds and machine CPU ms per file (from /proc/stat) per program, and for the first DIR
the CPU ms per file of each CurveFS role (client, metaservers, mds, s3proxy; from /proc/PID/stat)."""
import os, shutil, subprocess, sys, tempfile, time
corpus = os.environ.get("CORPUS", "/usr/lib/python3")
tick = os.sysconf("SC_CLK_TCK")
def groups():
    """CPU ticks of the CurveFS JVMs by role (client, metaservers, mds, s3proxy)."""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit(): continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read()
            role = ("client" if b"CurveFuseMain" in cmd else "metaservers" if b"MetaserverMain" in cmd
                    else "mds" if b"MdsMain" in cmd else "s3proxy" if b"s3proxy" in cmd else None)
            if role is None: continue
            st = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            out[role] = out.get(role, 0) + int(st[11]) + int(st[12])
        except Exception: pass
    return out
ROLES = ["client", "metaservers", "mds", "s3proxy"]
def machine():
    v = list(map(int, open("/proc/stat").readline().split()[1:])); return sum(v) - v[3] - v[4]
def sh(cmd, cwd=None):
    subprocess.run(cmd, shell=True, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
work = tempfile.mkdtemp(prefix="appbench-")
try:
    src, repo = os.path.join(work, "src"), os.path.join(work, "repo")
    shutil.copytree(corpus, src, symlinks=True)
    files = sum(len(f) + len(d) for _, d, f in os.walk(src))
    sh(f"tar cf {work}/corpus.tar -C {src} .")
    shutil.copytree(src, repo, symlinks=True)
    sh("git init -q && git add -A && git -c user.email=b@b -c user.name=b commit -qm corpus", cwd=repo)
    sh("sync")
    res = {}
    for dr in sys.argv[1:]:
        base = os.path.join(dr, f"appbench-{os.getpid()}")
        os.mkdir(base)
        steps = [("git clone", f"git clone -q --no-hardlinks {repo} {base}/git"),
                 ("cp -a", f"cp -a {src} {base}/cp"),
                 ("tar x", f"mkdir {base}/tar && tar xf {work}/corpus.tar -C {base}/tar"),
                 ("rm -rf", f"rm -rf {base}/git {base}/cp {base}/tar")]
        for name, cmd in steps:
            g0, m0, t0 = groups(), machine(), time.time()
            sh(cmd)
            g1, m1, t1 = groups(), machine(), time.time()
            # rm -rf removes the three trees (git's with its .git): per file of the three
            n = files * 3 if name == "rm -rf" else files
            res[(name, dr)] = (t1 - t0, (m1 - m0) / tick * 1000 / n,
                               [(g1.get(r, 0) - g0.get(r, 0)) / tick * 1000 / n for r in ROLES])
        os.rmdir(base)
    print(f"corpus {corpus}: {files} files and dirs (rm -rf removes 3 trees)")
    print("program".ljust(12) + "".join(f"{d} (s | CPU ms/file)".ljust(40) for d in sys.argv[1:]))
    for name in ["git clone", "cp -a", "tar x", "rm -rf"]:
        print(name.ljust(12) + "".join(f"{res[(name, d)][0]:8.2f} | {res[(name, d)][1]:.2f}".ljust(40) for d in sys.argv[1:]))
    print("CPU ms/file by CurveFS role during the first DIR's run: " + " | ".join(ROLES))
    for name in ["git clone", "cp -a", "tar x", "rm -rf"]:
        print(name.ljust(12) + " | ".join(f"{v:.2f}" for v in res[(name, sys.argv[1])][2]))
finally:
    shutil.rmtree(work)
