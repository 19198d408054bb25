#!/usr/bin/env python3
# Starts every command of a JSON list at once and waits for each with wait4(2), which reports CPU
# time in microseconds (GNU time prints CPU seconds with two decimals, so a 9 ms `ssh` client
# reads as 0.00 or 0.01: summed over the floor's clients that made its CPU figure meaningless).
#
# Memory: a child's ru_maxrss includes the RSS of the process it was forked from (the kernel keeps
# the old address space's high-water mark across exec), so a child of this ~14 MB Python process
# would report at least 14 MB. Each command therefore runs under GNU time (~1 MB), whose %M is the
# command's own peak; GNU time's own CPU (fork, exec, wait: measured below, same run) is subtracted.
#
# Usage: spawnAll.py SPEC.json   SPEC: {"commands": [[argv...], ...], "outDir": DIR, "discardStdout": bool}
# Prints one JSON object: wallMs (first start to last exit), timeOverheadMs, and per command its
# exit code, user + sys CPU seconds and peak resident set (KiB); stdout/stderr of command i are in
# DIR/i.out (empty with discardStdout: output too large to keep, e.g. a log) and DIR/i.err.
import json
import os
import statistics
import subprocess
import sys
import time

TIME = "/usr/bin/time"


def cpu_of(argv):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return usage.ru_utime + usage.ru_stime


def time_overhead_s():
    bare = [cpu_of(["/bin/true"]) for _ in range(9)]
    timed = [cpu_of([TIME, "-f", "%M", "-o", "/dev/null", "/bin/true"]) for _ in range(9)]
    return max(0.0, statistics.median(timed) - statistics.median(bare))


spec = json.load(open(sys.argv[1]))
out_dir = spec["outDir"]
overhead = time_overhead_s()
started = time.monotonic()
procs = {}
# Referenced until the end: a Popen object that is garbage-collected while its process runs is
# reaped by the next Popen (subprocess._cleanup), and wait4 below would never see it.
popens = []
discard = spec.get("discardStdout", False)
for i, argv in enumerate(spec["commands"]):
    rss_file = os.path.join(out_dir, f"{i}.rss")
    with open(os.path.join(out_dir, f"{i}.out"), "wb") as out, open(os.path.join(out_dir, f"{i}.err"), "wb") as err:
        p = subprocess.Popen([TIME, "-f", "%M", "-o", rss_file, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL if discard else out, stderr=err)
    procs[p.pid] = i
    popens.append(p)
results = [None] * len(procs)
while procs:
    pid, status, usage = os.wait4(-1, 0)
    i = procs.pop(pid, None)
    if i is None:
        continue
    results[i] = {"code": os.waitstatus_to_exitcode(status), "cpuS": max(0.0, usage.ru_utime + usage.ru_stime - overhead)}
wall_ms = (time.monotonic() - started) * 1000
for i, r in enumerate(results):
    # GNU time writes "Command exited with non-zero status N" before the figure on failure.
    r["maxRssKb"] = int(open(os.path.join(out_dir, f"{i}.rss")).read().split()[-1])
print(json.dumps({"wallMs": wall_ms, "timeOverheadMs": overhead * 1000, "results": results}))
