// The host lock (lib.sh nfd_lock) under contention, with the real sh and flock(1) of this machine:
// never two holders, also when a stale lock of an older nfdebug (a mkdir lock naming a dead pid)
// is there to be broken. The old read-then-rm -rf breaking let two contenders hold it at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostLibrary } from "../../../src/engine/host/scripts.js";

/** One contender: takes the lock, writes "in PID", waits a little, writes "out PID". */
function contender(dir: string, log: string): Promise<number | null> {
  const script = `${hostLibrary()}\nJ=${dir}\nnfd_lock 30 || exit 3\necho "in $$" >> ${log}\nsleep 0.02\necho "out $$" >> ${log}\n`;
  const child = spawn("sh", ["-s"], { stdio: ["pipe", "ignore", "inherit"] });
  child.stdin.end(script);
  return new Promise((resolve) => child.on("close", resolve));
}

test("4 contenders, 60 rounds, each starting on a stale mkdir lock of a dead pid: never two holders", async () => {
  const base = mkdtempSync(join(tmpdir(), "nfd-lock-"));
  try {
    let overlaps = 0;
    for (let round = 0; round < 60; round++) {
      const dir = join(base, `r${round}`);
      mkdirSync(join(dir, "lock"), { recursive: true });
      writeFileSync(join(dir, "lock", "pid"), "999999999\n");
      const log = join(dir, "log");
      const codes = await Promise.all([1, 2, 3, 4].map(() => contender(dir, log)));
      assert.deepEqual(codes, [0, 0, 0, 0], `round ${round}: every contender got the lock`);
      let holders = 0;
      for (const line of readFileSync(log, "utf8").trim().split("\n")) {
        holders += line.startsWith("in ") ? 1 : -1;
        if (holders > 1) overlaps++;
      }
    }
    assert.equal(overlaps, 0, "two contenders held the lock at once");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
