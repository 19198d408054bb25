import { stripVTControlCharacters } from "node:util";
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createProgress, type ProgressStream } from "../../../src/report/progress.js";

const ESC = /\u001b/;
const ERASE_LINE = "\r\u001b[2K";

/** A stream that records what was written, like a terminal or a CI log would receive it. */
class RecordingStream implements ProgressStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
  get text(): string {
    return this.writes.join("");
  }
  /** What a terminal shows: each "\r\x1b[2K" erases the line being written. */
  get screen(): string[] {
    const lines: string[] = [""];
    for (const w of this.writes) {
      for (const part of w.split(/(\r\u001b\[2K|\n)/)) {
        if (part === ERASE_LINE) lines[lines.length - 1] = "";
        else if (part === "\n") lines.push("");
        else lines[lines.length - 1] += part;
      }
    }
    return lines;
  }
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test("--json: nothing at all", () => {
  const stream = new RecordingStream(true);
  const p = createProgress({ stream, hosts: ["a", "b"], json: true });
  p.stepStarted("apply");
  p.hostStarted("a", "apply");
  p.hostDone("a", false, "boom");
  p.finish();
  assert.deepEqual(stream.writes, []);
});

test("not a TTY: one plain line per host outcome, no escape codes", () => {
  const stream = new RecordingStream(false);
  const c = clock();
  const p = createProgress({ stream, hosts: ["web-1", "web-2", "web-3"], now: c.now, env: {} });
  p.stepStarted("apply");
  for (const h of ["web-1", "web-2", "web-3"]) p.hostStarted(h, "apply");
  p.hostDone("web-2", true);
  p.hostDone("web-1", false, "unreachable: connect ECONNREFUSED");
  p.hostDone("web-3", true);
  p.stepStarted("revert");
  p.hostStarted("web-2", "revert");
  p.hostDone("web-2", true);
  p.hostDone("web-3", true);
  c.advance(42_000);
  p.finish();
  p.finish();
  assert.equal(
    stream.text,
    [
      "step apply",
      "web-2 ok apply",
      "web-1 FAILED apply: unreachable: connect ECONNREFUSED",
      "web-3 ok apply",
      "step revert",
      "web-2 ok revert",
      "web-3 ok revert",
      "done: 2 ok, 1 failed in 42s",
      "",
    ].join("\n"),
  );
  assert.doesNotMatch(stream.text, ESC);
});

test("not a TTY: control characters in host names and messages are neutralised", () => {
  const stream = new RecordingStream(false);
  const p = createProgress({ stream, hosts: 1 });
  p.hostDone("evil\x1b]0;title\x07", false, "bad\rline");
  assert.equal(stream.writes[0], "evil?]0;title? FAILED : bad?line\n");
});

test("TTY: one status line redrawn in place; failures stay above it; finish clears it", () => {
  const stream = new RecordingStream(true, 120);
  const c = clock();
  const p = createProgress({
    stream,
    hosts: ["web-1", "web-2", "web-3", "web-4"],
    now: c.now,
    env: {},
    throttleMs: 0,
    tickMs: 0,
  });
  p.stepStarted("apply");
  assert.equal(
    stripVTControlCharacters(stream.screen.at(-1)!),
    "apply · 0/4 done · 0 failed · 0 running · 4 pending · 0ms",
  );
  p.hostStarted("web-1", "apply");
  p.hostStarted("web-2", "apply");
  c.advance(3_000);
  p.hostDone("web-1", true);
  assert.equal(
    stripVTControlCharacters(stream.screen.at(-1)!),
    "apply · 1/4 done · 0 failed · 1 running · 2 pending · 3s",
  );
  p.hostDone("web-2", false, "timeout: no answer in 10s");
  const screen = stream.screen.map(stripVTControlCharacters);
  assert.equal(screen.at(-2), "✗ web-2 apply: timeout: no answer in 10s");
  assert.equal(screen.at(-1), "apply · 1/4 done · 1 failed · 0 running · 2 pending · 3s");
  assert.ok(
    stream.writes.every((w) => w.startsWith("\r\x1b[2K")),
    "every write starts by erasing the line",
  );
  assert.ok(stream.text.includes("\x1b[31m1 failed\x1b[39m"), "failures in red on a colour terminal");
  c.advance(60_000);
  p.finish();
  assert.deepEqual(stream.screen.map(stripVTControlCharacters).slice(-3), [
    "✗ web-2 apply: timeout: no answer in 10s",
    "✓ 3 ok, 1 failed in 1m3s",
    "",
  ]);
});

test("TTY with NO_COLOR: still redraws, but no colours", () => {
  const stream = new RecordingStream(true);
  const p = createProgress({
    stream,
    hosts: 2,
    env: { NO_COLOR: "" },
    now: clock().now,
    throttleMs: 0,
    tickMs: 0,
  });
  p.stepStarted("collect");
  p.hostStarted("a", "collect");
  p.hostDone("a", false, "x");
  p.finish();
  assert.ok(stream.text.includes("\r\x1b[2K"));
  assert.doesNotMatch(stream.text.replaceAll(ERASE_LINE, ""), ESC);
  assert.deepEqual(stream.screen.slice(-3), ["✗ a collect: x", "✓ 1 ok, 1 failed in 0ms", ""]);
});

test("TTY: redraws are throttled, and the last state is drawn once the throttle allows", async () => {
  const stream = new RecordingStream(true);
  const p = createProgress({ stream, hosts: 50, env: {}, throttleMs: 30, tickMs: 0 });
  p.stepStarted("apply");
  for (let i = 0; i < 50; i++) {
    p.hostStarted(`h${i}`, "apply");
    p.hostDone(`h${i}`, true);
  }
  assert.equal(stream.writes.length, 1, "only the first event draws at once");
  await sleep(80);
  assert.equal(stream.writes.length, 2, "one trailing redraw");
  assert.match(
    stripVTControlCharacters(stream.screen.at(-1)!),
    /^apply · 50\/50 done · 0 failed · 0 running · 0 pending · /,
  );
  p.finish();
});

test("TTY: elapsed time ticks without events, and stops after finish", async () => {
  const stream = new RecordingStream(true);
  const p = createProgress({ stream, hosts: 1, env: {}, throttleMs: 0, tickMs: 10 });
  p.stepStarted("wait");
  await sleep(60);
  const ticks = stream.writes.length;
  assert.ok(ticks >= 3, `ticked ${ticks} times`);
  p.finish();
  await sleep(40);
  assert.equal(stream.writes.length, ticks + 1);
});

test("TTY: the status line never wraps on a narrow terminal", () => {
  const stream = new RecordingStream(true, 30);
  const p = createProgress({ stream, hosts: 200, env: {}, throttleMs: 0, tickMs: 0 });
  p.stepStarted("a-step-with-a-long-name");
  const line = stream.screen.at(-1)!;
  assert.equal([...line].length, 29);
  assert.ok(line.endsWith("…"));
  p.finish();
});
