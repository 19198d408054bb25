#!/usr/bin/env python3
# Starts every command of a JSON list at once and waits for each with wait4(2), which reports its
# CPU time in microseconds. GNU time prints CPU seconds with two decimals, so a 5 ms `ssh` client
# reads as 0.00 or 0.01; summed over the floor's clients that made its CPU figure meaningless.
# Usage: spawnAll.py SPEC.json   SPEC: {"commands": [[argv...], ...], "outDir": DIR}
# Prints one JSON object: wallMs (first start to last exit) and per command its exit code,
# user + sys CPU seconds and ru_maxrss (KiB); stdout/stderr of command i go to DIR/i.out, DIR/i.err.
import json
import os
import subprocess
import sys
import time

spec = json.load(open(sys.argv[1]))
out_dir = spec["outDir"]
started = time.monotonic()
procs = {}
for i, argv in enumerate(spec["commands"]):
    with open(os.path.join(out_dir, f"{i}.out"), "wb") as out, open(os.path.join(out_dir, f"{i}.err"), "wb") as err:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    procs[p.pid] = i
results = [None] * len(procs)
while procs:
    pid, status, usage = os.wait4(-1, 0)
    i = procs.pop(pid, None)
    if i is None:
        continue
    results[i] = {
        "code": os.waitstatus_to_exitcode(status),
        "cpuS": usage.ru_utime + usage.ru_stime,
        "maxRssKb": usage.ru_maxrss,
    }
wall_ms = (time.monotonic() - started) * 1000
print(json.dumps({"wallMs": wall_ms, "results": results}))
