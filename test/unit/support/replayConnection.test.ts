// The replaying Connection answers as the SSH transport does, and tells a test plainly when it was
// sent something else than it expected: the engine's unit tests rely on both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostError } from "../../../src/errors.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";
import { UnexpectedScript } from "../../support/replayHost.js";

const h1 = replayHostSpec("h1");

test("a follow-up runs in the same round trip: one result of both answers, the second's status", async () => {
  const transport = new ReplayTransport({
    h1: [
      { expect: "first", stdout: "a\n@@end\n", stderr: "1" },
      { expect: (s) => s === "second", stdout: "b\n", stderr: "2", code: 3 },
    ],
  });
  const seen: string[] = [];
  const conn = await transport.connect(h1);
  const r = await conn.runScript("first", {
    followUp: { afterLine: "@@end", next: (out) => (seen.push(out), "second") },
  });
  assert.deepEqual(seen, ["a\n@@end\n"]);
  assert.deepEqual(r, { stdout: "a\n@@end\nb\n", stderr: "12", code: 3 });
  assert.equal(transport.host("h1").unanswered(), 0);
});

test("no follow-up chosen, or no marker line: the first answer alone", async () => {
  const transport = new ReplayTransport({
    h1: [
      { expect: "first", stdout: "@@end\n", code: 1 },
      { expect: "first", stdout: "cut short" },
    ],
  });
  const conn = await transport.connect(h1);
  const next = () => "never";
  assert.equal(
    (await conn.runScript("first", { followUp: { afterLine: "@@end", next: () => null } })).code,
    1,
  );
  assert.equal(
    (await conn.runScript("first", { followUp: { afterLine: "@@end", next } })).stdout,
    "cut short",
  );
});

test("streamed lines go to onStdoutLine, not into the result", async () => {
  const transport = new ReplayTransport({ h1: [{ expect: "read", stdout: "one\ntwo\n" }] });
  const lines: string[] = [];
  const r = await (await transport.connect(h1)).runScript("read", { onStdoutLine: (l) => lines.push(l) });
  assert.deepEqual(lines, ["one", "two"]);
  assert.equal(r.stdout, "");
});

test("a script out of turn, or one too many, is an UnexpectedScript naming what was expected", async () => {
  const transport = new ReplayTransport({ h1: [{ expect: "facts", stdout: "" }] });
  const conn = await transport.connect(h1);
  await assert.rejects(conn.runScript("apply\nmore"), (err: Error) => {
    assert.ok(err instanceof UnexpectedScript);
    assert.equal(err.message, 'h1: unexpected script #1 (expected one containing "facts"):\n  apply\n  more');
    return true;
  });
  await conn.runScript("facts");
  await assert.rejects(conn.runScript("revert"), /h1: unexpected script #3 \(expected no more scripts\)/);
  assert.deepEqual(
    transport.host("h1").sent.map((s) => s.script),
    ["apply\nmore", "facts", "revert"],
  );
});

test("a closed connection and an unreachable host fail as over SSH", async () => {
  const transport = new ReplayTransport({ h1: [] });
  const conn = await transport.connect(h1);
  conn.close();
  await assert.rejects(conn.runScript("x"), (err: HostError) => err.kind === "aborted");
  transport.unreachable.add("h1");
  await assert.rejects(transport.connect(h1), (err: HostError) => err.kind === "unreachable");
});
