// Property (issue 9): the two renderers every remote script is built with, shQuote and call(), and
// the script renderers that take arguments (apply's nfd_begin line, extend, cancel, revert), turn
// any string into exactly that literal for a real `sh` — or refuse it. Fixed seed; each property
// checks RUNS × BATCH = 500 values (see shellProbe.ts), one `sh` per run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { FRAME_SH } from "../../../src/shell/frame.js";
import { shQuote } from "../../../src/shell/quote.js";
import { shippedFile } from "../../../src/shell/shipped.js";
import {
  applyScript,
  call,
  cancelScript,
  extendScript,
  revertScript,
} from "../../../src/engine/host/scripts.js";
import { renderApply } from "../../../src/engine/apply.js";
import { WINDOW_ID } from "../../../src/engine/window.js";
import type { HostPlan } from "../../../src/engine/plan.js";
import {
  ARGS_STUB,
  BATCH,
  PROPERTY,
  bytes,
  hostile,
  hostileBatch,
  parseArgs,
  rejects,
  runSh,
  sameBytes,
} from "./shellProbe.js";

test("shQuote: every string without NUL is one word with exactly its bytes, as an argument and in an assignment", () => {
  fc.assert(
    fc.property(hostileBatch, (values) => {
      const quotable = values.filter((v) => !v.includes("\0"));
      for (const v of values.filter((v) => v.includes("\0"))) assert.throws(() => shQuote(v), /NUL/);
      const lines = quotable.flatMap((v) => [`nfd_args ${shQuote(v)}`, `v=${shQuote(v)}; nfd_args "$v"`]);
      const calls = parseArgs(runSh([ARGS_STUB, ...lines].join("\n")));
      assert.equal(calls.length, quotable.length * 2);
      calls.forEach((args, i) =>
        assert.ok(sameBytes(args, [quotable[i >> 1]]), JSON.stringify(quotable[i >> 1])),
      );
    }),
    PROPERTY,
  );
});

test("call(): each argument, strings and numbers, arrives as its own literal word", () => {
  const argument = fc.oneof(hostile, fc.integer(), fc.double({ noNaN: false }));
  fc.assert(
    fc.property(
      fc.array(fc.array(argument, { maxLength: 4 }), { minLength: BATCH, maxLength: BATCH }),
      (lists) => {
        const usable = lists.filter((args) => !args.some((a) => String(a).includes("\0")));
        for (const args of lists.filter((l) => !usable.includes(l)))
          assert.throws(() => call("nfd_args", ...args), /NUL/);
        const calls = parseArgs(
          runSh([ARGS_STUB, ...usable.map((args) => call("nfd_args", ...args))].join("\n")),
        );
        assert.equal(calls.length, usable.length);
        calls.forEach((args, i) => assert.ok(sameBytes(args, usable[i]), JSON.stringify(usable[i])));
      },
    ),
    PROPERTY,
  );
});

/** The body the apply script runs after its fixed parts, cut from the real rendered script. */
function applyBody(script: string, window: string): string {
  const empty = applyScript(window, []);
  const tail = "\nnfd_commit\n}";
  const head = empty.slice(0, empty.length - tail.length + 1);
  assert.ok(script.startsWith(head) && script.endsWith(tail), "renderApply wraps its body in applyScript");
  return script.slice(head.length, script.length - tail.length);
}

const emptyPlan: HostPlan = { steps: [], problems: [] } as unknown as HostPlan;
const windowLike = fc.oneof(
  hostile,
  fc.constantFrom("20261125T120501-3fa2", "20261125T120501-3fA2", "20261125T120501-3fa2\n", "../../etc"),
);
const ownerLike = fc.oneof(hostile, fc.constantFrom("alice@ctl", "alice@ctl\nexpires=0", "a b@c"));

test("apply's nfd_begin line: window id, owner and seconds are validated, then arrive literally", () => {
  const state = mkdtempSync(join(tmpdir(), "nfd-hardening-"));
  try {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(windowLike, ownerLike, fc.integer({ min: -5, max: 1e6 })), {
          minLength: BATCH,
          maxLength: BATCH,
        }),
        (reqs) => {
          const bodies: { expected: (string | number)[]; body: string }[] = [];
          for (const [window, owner, seconds] of reqs) {
            const req = { profile: { name: "p" }, window, owner, windowSeconds: seconds } as Parameters<
              typeof renderApply
            >[0];
            const valid = WINDOW_ID.test(window) && /^[A-Za-z0-9_.@-]{1,100}$/.test(owner) && seconds >= 1;
            if (!valid) {
              assert.ok(
                rejects(() => renderApply(req, emptyPlan)),
                `accepted ${JSON.stringify([window, owner, seconds])}`,
              );
              continue;
            }
            bodies.push({
              // No log_invalid: no budget, an empty last argument.
              expected: [window, owner, "p", seconds, "timer", ""],
              body: applyBody(renderApply(req, emptyPlan), window),
            });
          }
          if (bodies.length === 0) return;
          // nfd_begin reports its arguments; the window-mark lines that follow it run in a scratch $P.
          const script = [
            ARGS_STUB,
            // The apply script's protocol part (nfd_emit), which the window marks use.
            shippedFile(FRAME_SH),
            `P=${shQuote(state)}`,
            `nfd_begin() { NFD_ID=20261125T000000-0000; nfd_args "$@"; }`,
            ...bodies.map((b) => b.body),
          ];
          const calls = parseArgs(runSh(script.join("\n")));
          assert.equal(calls.length, bodies.length);
          calls.forEach((args, i) => assert.ok(sameBytes(args, bodies[i].expected)));
        },
      ),
      PROPERTY,
    );
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

/** The last line of a script (the generated call), run with a stub for `fn`. */
function lastCall(script: string, fn: string): string {
  const at = script.lastIndexOf(`\n${fn} `);
  assert.ok(at > 0, `${fn} is called`);
  return `${fn}() { nfd_args "$@"; }\n${script.slice(at + 1)}`;
}

test("extend, cancel and revert scripts: a window id that is not one is refused; a valid one arrives literally", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(windowLike, fc.integer({ min: -5, max: 1e6 })), {
        minLength: BATCH,
        maxLength: BATCH,
      }),
      (reqs) => {
        const lines: string[] = [];
        const expected: (string | number)[][] = [];
        for (const [window, seconds] of reqs) {
          if (!WINDOW_ID.test(window)) {
            assert.ok(
              rejects(() => extendScript(window, 60)),
              `extend accepted ${JSON.stringify(window)}`,
            );
            assert.ok(
              rejects(() => cancelScript(window)),
              `cancel accepted ${JSON.stringify(window)}`,
            );
            if (window !== "")
              assert.ok(
                rejects(() => revertScript({ force: false, window })),
                `revert accepted ${JSON.stringify(window)}`,
              );
            continue;
          }
          if (seconds < 1) assert.ok(rejects(() => extendScript(window, seconds)));
          else {
            lines.push(lastCall(extendScript(window, seconds), "nfd_extend"));
            expected.push([window, seconds]);
          }
          lines.push(lastCall(cancelScript(window), "nfd_cancel"));
          expected.push([window]);
          // revert runs the installed script with these arguments (nfd_revert_window in entry.sh).
          lines.push(lastCall(revertScript({ force: true, window }), "nfd_revert_window"));
          expected.push(["reverted", "1", window]);
        }
        if (lines.length === 0) return;
        const calls = parseArgs(runSh([ARGS_STUB, ...lines].join("\n")));
        assert.equal(calls.length, expected.length);
        calls.forEach((args, i) => assert.ok(sameBytes(args, expected[i]), JSON.stringify(expected[i])));
      },
    ),
    PROPERTY,
  );
});

test("the probe itself: bytes survive, including invalid UTF-16 (sent as U+FFFD, compared as sent)", () => {
  const values = ["a\nb", "'", "\ud800", "💥", " lead", "-n", "*"];
  const calls = parseArgs(runSh([ARGS_STUB, call("nfd_args", ...values)].join("\n")));
  assert.equal(calls.length, 1);
  assert.ok(sameBytes(calls[0], values));
  assert.deepEqual(bytes("\ud800"), Buffer.from([0xef, 0xbf, 0xbd]));
  // A NUL, a leading dash or a glob is no quoting problem but a validation one: see profileFields and inventory.
  assert.equal(call("nfd_args", "-rf", "*"), "nfd_args -rf '*'");
});
