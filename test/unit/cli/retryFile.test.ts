// The retry file of failed hosts: where it goes, what it holds, and a path that cannot be written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { retryPath, writeRetryFile } from "../../../src/cli/retryFile.js";

test("a runbook's retry file is in its bundle; other commands' in the state directory, by command", () => {
  assert.equal(retryPath("run", "/tmp/b"), "/tmp/b/failed.retry");
  assert.equal(retryPath("apply", undefined, { XDG_STATE_HOME: "/s" }), "/s/nfdebug/apply.retry");
  assert.equal(
    retryPath("revert", undefined, { HOME: "/home/u" }),
    "/home/u/.local/state/nfdebug/revert.retry",
  );
});

test("one failed host per line, and a line telling how to retry them; an unwritable path is said, not thrown", () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-retry-"));
  try {
    const path = join(dir, "state", "nfdebug", "apply.retry");
    assert.equal(
      writeRetryFile(path, ["h002", "h007"]),
      `nfdebug: 2 failed host(s) listed in ${path}: retry them with --limit @${path}`,
    );
    assert.equal(readFileSync(path, "utf8"), "h002\nh007\n");
    writeFileSync(join(dir, "file"), "");
    assert.match(
      writeRetryFile(join(dir, "file", "x.retry"), ["h1"]),
      /^nfdebug: could not write the retry file .*file\/x\.retry: /,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
