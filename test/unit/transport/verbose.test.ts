// -v and -vv around a transport: what each level tells on stderr, driven by a replayed host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostError } from "../../../src/errors.js";
import { verboseTransport } from "../../../src/transport/verbose.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";

function run(level: number) {
  const replay = new ReplayTransport({
    h1: [{ expect: "echo hi", stdout: "@@hi\tthere\n", stderr: "warning: x\n", code: 0 }],
  });
  replay.unreachable.add("h2");
  const said: string[] = [];
  return { transport: verboseTransport(replay, level, (l) => said.push(l)), replay, said };
}

test("without -v the transport is the real one, untouched", () => {
  const { transport, replay } = run(0);
  assert.equal(transport, replay);
});

test("-v: each connection and script with its size, exit status and time; nothing of their text", async () => {
  const { transport, said } = run(1);
  const conn = await transport.connect(replayHostSpec("h1"));
  const result = await conn.runScript("echo hi\n");
  assert.equal(result.stdout, "@@hi\tthere\n", "the answer passes through unchanged");
  assert.equal(said.length, 3);
  assert.match(said[0], /^h1: connected to root@127\.0\.0\.1:22 in \d+ ms$/);
  assert.equal(said[1], "h1: script 1 sent (8 bytes)");
  assert.match(said[2], /^h1: script 1 exit 0 in \d+ ms$/);
  await assert.rejects(transport.connect(replayHostSpec("h2")), HostError);
  assert.match(said[3], /^h2: connect failed after \d+ ms: h2: connect ECONNREFUSED/);
});

test("-vv: also the script sent and the output received, line by line, marked by direction", async () => {
  const { transport, said } = run(2);
  const conn = await transport.connect(replayHostSpec("h1"));
  await conn.runScript("echo hi\n");
  assert.deepEqual(said.slice(1), [
    "h1: script 1 sent (8 bytes)",
    "h1 1> echo hi",
    said[3],
    "h1 1< @@hi\tthere",
    "h1 1! warning: x",
  ]);
  assert.match(said[3], /^h1: script 1 exit 0 in \d+ ms$/);
});
