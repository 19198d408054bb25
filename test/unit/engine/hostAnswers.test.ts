// A host's answer that is not what its script prints is that host's "protocol" failure (or
// "remote" when the script itself failed), never kind internal: internal is kept for bugs in
// nfdebug. Each case feeds one engine step a malformed answer through a scripted connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collectHost } from "../../../src/engine/collect.js";
import { extendHost } from "../../../src/engine/extend.js";
import { hostChange } from "../../../src/engine/apply.js";
import { factsOrError } from "../../../src/engine/readFacts.js";
import { failedOutcome } from "../../../src/engine/result.js";
import { interpretRevert } from "../../../src/engine/revert.js";
import { windowStatus } from "../../../src/engine/status.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { replayHostSpec } from "../../support/replayTransport.js";
import type { Connection } from "../../../src/transport/types.js";

const WINDOW = "20261125T120000-abcd";
const host = replayHostSpec("web1");

/** A connection whose first script prints `stdout` (exit `code`); later scripts print nothing. */
function answering(stdout: string, code = 0): Connection {
  let calls = 0;
  return {
    host,
    runScript: async () =>
      calls++ === 0 ? { stdout, stderr: "", code } : { stdout: "", stderr: "", code: 0 },
    close() {},
  };
}

/** The outcome the fleet runners make of what `run` throws. */
async function outcomeOf(run: () => unknown): Promise<ReturnType<typeof failedOutcome>> {
  try {
    await run();
  } catch (err) {
    return failedOutcome("web1", err);
  }
  assert.fail("expected the step to fail");
}

test("facts cut short: protocol when the script exited 0, remote (with its stderr) when it failed", async () => {
  const cut = "@@section\tkernel\n6.1.0\n";
  assert.equal((await outcomeOf(() => factsOrError("web1", cut, "", 0))).error?.kind, "protocol");
  const failed = await outcomeOf(() => factsOrError("web1", cut, "sh: 1: awk: not found", 127));
  assert.deepEqual(failed.error, {
    kind: "remote",
    message: "could not read facts (exit 127): sh: 1: awk: not found",
  });
});

test("host lines cut short and times that are not numbers are protocol failures", async () => {
  const drift = await outcomeOf(() =>
    interpretRevert("web1", `@@drift\tsysctl\n@@revert\tdrift\t${WINDOW}\n`, "", 0),
  );
  assert.equal(drift.error?.kind, "protocol");
  assert.match(drift.error!.message, /a host frame "drift" has 1 of its 4 fields/);
  assert.equal((await outcomeOf(() => hostChange(["sysctl"]))).error?.kind, "protocol");

  const extend = await outcomeOf(() =>
    extendHost(answering(`@@extend\tdone\t${WINDOW}\tsoon\n`), WINDOW, 60),
  );
  assert.deepEqual(extend.error, { kind: "protocol", message: "not a time in epoch seconds: NaN" });

  const facts = {
    bootId: "b",
    now: 0,
    history: [],
    window: { id: WINDOW, owner: "a@b", profile: "p", started: NaN, expires: 60, bootId: "b", state: "open" },
  } as unknown as HostFacts;
  assert.equal((await outcomeOf(() => windowStatus(facts))).error?.kind, "protocol");
});

/** The marks of an open window read from a syslog file, with the given collected.json. */
const marks = (collected: string) =>
  [
    `@@marks\t${WINDOW}\t1`,
    "@@file\tsource\t@@source\tfile\t/var/log/kern.log",
    "@@file\tstart.out\t@@pos\t1234\t100\t0",
    `@@file\tcollected.json\t${collected}`,
    "@@end",
  ].join("\n");
const sink = { record: () => true };

test("collect: a window's stored position that is not JSON, or of no known source, is a protocol failure", async () => {
  for (const collected of ['{"source":"file","path":', '{"source":"tape"}', "null"]) {
    const o = await outcomeOf(() => collectHost(answering(marks(collected)), { sink }));
    assert.equal(o.error?.kind, "protocol", collected);
    assert.match(o.error!.message, new RegExp(`window ${WINDOW}'s recorded log position is unreadable: `));
  }
});

test("collect: a stored position that fails the checks before it enters a script is a protocol failure", async () => {
  const escape = JSON.stringify({ source: "file", path: "/var/log/../../etc/shadow", inode: 1, offset: 0 });
  const o = await outcomeOf(() => collectHost(answering(marks(escape)), { sink }));
  assert.equal(o.error?.kind, "protocol");
  assert.match(o.error!.message, /not an acceptable log file path/);
});

test("collect: marks an earlier version wrote (no frames) are a protocol failure, not a window without a source", async () => {
  const old = marks("{}").replace("@@file\tsource\t@@source\tfile\t", "@@file\tsource\tfile\t");
  const o = await outcomeOf(() => collectHost(answering(old), { sink }));
  assert.equal(o.error?.kind, "protocol");
  assert.match(o.error!.message, /written by an earlier nfdebug version/);
});

test("collect: marks cut short are protocol on exit 0, remote when the script failed", async () => {
  const cut = `@@window\t${WINDOW}\n@@open\t1\n`;
  assert.equal((await outcomeOf(() => collectHost(answering(cut, 0), { sink }))).error?.kind, "protocol");
  assert.equal((await outcomeOf(() => collectHost(answering(cut, 1), { sink }))).error?.kind, "remote");
});
