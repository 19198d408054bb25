// Property (issue 9): values that come back from a host and go into later scripts — collect
// positions (journald cursors, syslog file paths), the log source recorded at apply time (window
// marks), sysctl values and dynamic-debug sites read as facts. A hostile host (or a tampered
// $P/windows/*/collected.json) must not get a shell of its own: each value is refused by
// validation, or arrives in the real rendered script, run by a real `sh`, as exactly that literal.
// Commands the scripts call are stubs on PATH where the real ones would read the machine's logs.
// Fixed seed; RUNS × BATCH = 500 values per property (shellProbe.ts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { readScript } from "../../../src/logs/sources/reader.js";
import { windowMarkLines } from "../../../src/engine/windowMarks.js";
import { parseFacts } from "../../../src/facts/parse.js";
import { planHost } from "../../../src/engine/plan.js";
import { renderStep } from "../../../src/kinds/registry.js";
import { canonicalFlags } from "../../../src/kinds/printk/printk.js";
import { FRAME_SH } from "../../../src/shell/frame.js";
import { shQuote } from "../../../src/shell/quote.js";
import { shippedFile } from "../../../src/shell/shipped.js";
import {
  ARGS_STUB,
  BATCH,
  PROPERTY,
  bytes,
  hostile,
  parseArgs,
  rejects,
  runSh,
  sameBytes,
} from "./shellProbe.js";

const FIXTURE = readFileSync(
  new URL("../../../../test/fixtures/facts/kernel-6.18-netns.txt", import.meta.url),
  "utf8",
);
// The apply script's first part: the protocol (nfd_emit), which the window marks use.
const FRAME = shippedFile(FRAME_SH);
const batchOf = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: BATCH, maxLength: BATCH });

let dir: string;
let stubs: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "nfd-hostdata-"));
  stubs = join(dir, "bin");
  mkdirSync(stubs);
  // journalctl: report the arguments and NFD_UNTIL to $NFD_PROBE (ARGS_STUB framing), print nothing.
  writeFileSync(
    join(stubs, "journalctl"),
    `#!/bin/sh\n{ printf '%s\\0' "$(($# + 1))" "NFD_UNTIL=$NFD_UNTIL"; for a in "$@"; do printf '%s\\0' "$a"; done; } >> "$NFD_PROBE"\n`,
  );
  chmodSync(join(stubs, "journalctl"), 0o755);
  // conntrack: the window marks read counters; this machine's tables are not the point here.
  writeFileSync(join(stubs, "conntrack"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(stubs, "conntrack"), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const env = (probe: string) => ({ PATH: `${stubs}:${process.env.PATH}`, NFD_PROBE: probe });
const cursorLike = fc.oneof(hostile, fc.stringMatching(/^[A-Za-z0-9=;_-]{1,80}$/));

test("journald cursors (start and end of a window): refused, or journalctl gets exactly --cursor=VALUE and NFD_UNTIL=VALUE", () => {
  let accepted = 0;
  fc.assert(
    fc.property(batchOf(fc.tuple(cursorLike, cursorLike)), (pairs) => {
      const scripts: string[] = [];
      const expected: [string, string][] = [];
      for (const [cursor, until] of pairs) {
        const render = () =>
          readScript(
            { source: "journald", boot_id: null, cursor },
            { until: { source: "journald", boot_id: null, cursor: until } },
          );
        if (!/^[A-Za-z0-9=;_-]{1,512}$/.test(cursor) || !/^[A-Za-z0-9=;_-]{1,512}$/.test(until)) {
          assert.ok(rejects(render), `accepted ${JSON.stringify([cursor, until])}`);
          continue;
        }
        scripts.push(`(\n${render()}\n) >/dev/null`);
        expected.push([cursor, until]);
      }
      if (scripts.length === 0) return;
      accepted += scripts.length;
      const probe = join(dir, `probe-${accepted}`);
      runSh(scripts.join("\n"), env(probe));
      const reads = parseArgs(readFileSync(probe)).filter((args) => args[1]?.toString() === "-k");
      assert.equal(reads.length, expected.length);
      reads.forEach((args, i) => {
        const [cursor, until] = expected[i];
        assert.ok(args[0].equals(bytes(`NFD_UNTIL=${until}`)), "NFD_UNTIL");
        assert.ok(args.at(-1)!.equals(bytes(`--cursor=${cursor}`)), "--cursor");
      });
    }),
    PROPERTY,
  );
  assert.ok(accepted >= 50, `${accepted} accepted`);
});

test("syslog file paths: refused, or the read script names exactly that file", () => {
  const pathLike = fc.oneof(
    hostile,
    fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/).map((p) => `/nfd-absent-${p}`),
    fc.constantFrom("/var/log/../../etc/shadow", "/tmp/x y", "/-rf"),
  );
  let accepted = 0;
  fc.assert(
    fc.property(batchOf(pathLike), (paths) => {
      const scripts: string[] = [];
      const expected: string[] = [];
      for (const path of paths) {
        const render = () => readScript({ source: "file", path, inode: 5, offset: 0 });
        if (!/^\/[A-Za-z0-9._/-]{1,255}$/.test(path) || path.includes("/../")) {
          assert.ok(rejects(render), `accepted ${JSON.stringify(path)}`);
          continue;
        }
        if (existsSync(path)) continue; // only absent files: the script then just reports the name
        scripts.push(`(\n${render()}\n) | grep '^@@warn'`);
        expected.push(path);
      }
      if (scripts.length === 0) return;
      accepted += scripts.length;
      const out = runSh(scripts.join("\n"));
      assert.ok(out.equals(Buffer.concat(expected.map((p) => bytes(`@@warn\tunavailable\t${p}\n`)))));
    }),
    PROPERTY,
  );
  assert.ok(accepted >= 50, `${accepted} accepted`);
});

test("the log source recorded at apply (window marks): refused, or $P/windows/ID/source holds exactly it", () => {
  const sourceLike = fc.tuple(
    fc.constantFrom("journald", "file"),
    fc.oneof(
      hostile,
      fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/).map((p) => `/nfd-absent-${p}`),
    ),
  );
  let accepted = 0;
  fc.assert(
    fc.property(batchOf(sourceLike), (sources) => {
      const P = mkdtempSync(join(dir, "p-"));
      const scripts: string[] = [];
      const expected: { id: string; kind: string; detail: string }[] = [];
      sources.forEach(([kind, detail], i) => {
        const render = () => windowMarkLines({ kind: kind as "journald" | "file", detail });
        const fileOk = /^\/[A-Za-z0-9._/-]{1,255}$/.test(detail) && !detail.includes("/../");
        if (detail.includes("\0") || (kind === "file" && !fileOk)) {
          assert.ok(rejects(render), `accepted ${JSON.stringify([kind, detail])}`);
          return;
        }
        if (kind === "file" && existsSync(detail)) return;
        // Each in its own $P: the marks keep only the newest 20 windows of a host.
        const id = "20261125T120000-0000";
        const own = join(P, String(i));
        scripts.push(`(\n${FRAME}\nP=${shQuote(own)}\nNFD_ID=${id}\n${render().join("\n")}\n)`);
        expected.push({ id: join(own, "windows", id), kind, detail });
      });
      if (scripts.length > 0) {
        accepted += scripts.length;
        runSh(scripts.join("\n"), env(join(P, "probe")));
        for (const { id: marks, kind, detail } of expected) {
          const written = readFileSync(join(marks, "source"));
          assert.ok(written.equals(bytes(`@@source\t${kind}\t${detail}\n`)), JSON.stringify(detail));
          assert.ok(existsSync(join(marks, "mark-end.sh")), "the end marker is installed");
          if (kind === "file")
            assert.ok(
              readFileSync(join(marks, "start.out")).includes(bytes(`@@warn\tunavailable\t${detail}\n`)),
            );
        }
      }
      rmSync(P, { recursive: true, force: true });
    }),
    PROPERTY,
  );
  assert.ok(accepted >= 50, `${accepted} accepted`);
});

/** Facts as a host would print them, with `line` replacing the nf_log/10 sysctl line. */
const factsWith = (find: RegExp, replace: string) => parseFacts(FIXTURE.replace(find, () => replace));
// A host's output is read line by line: a value cannot hold a newline.
const lineValue = hostile.map((v) => v.replace(/[\n]/g, ""));

test("sysctl values read from a host: the planned step restores exactly what was read", () => {
  fc.assert(
    fc.property(batchOf(lineValue), (values) => {
      const lines: string[] = [];
      const expected: string[][] = [];
      for (const value of values) {
        const facts = factsWith(/^nf_log\/10 .*$/m, `nf_log/10 ${value}`);
        const current = facts.sysctl["nf_log/10"];
        const plan = planHost({ name: "p", nfLog: { ipv6: "NONE" } }, facts);
        if (current === "NONE" || current === undefined) continue;
        const step = plan.steps.find((s) => s.kind === "sysctl" && s.path === "net/netfilter/nf_log/10");
        assert.ok(step && step.kind === "sysctl", JSON.stringify(value));
        if (step.from.includes("\0")) {
          assert.ok(rejects(() => renderStep(step)));
          continue;
        }
        lines.push(renderStep(step));
        expected.push(["sysctl:nf_log", "net/netfilter/nf_log/10", current, "NONE"]);
      }
      if (lines.length === 0) return;
      const calls = parseArgs(runSh([ARGS_STUB, 'nfd_sysctl() { nfd_args "$@"; }', ...lines].join("\n")));
      assert.equal(calls.length, expected.length);
      calls.forEach((args, i) => assert.ok(sameBytes(args, expected[i])));
    }),
    PROPERTY,
  );
});

test("dynamic-debug sites read from a host: refused for odd names, else their name and flags arrive literally", () => {
  const siteLike = fc.tuple(
    fc.oneof(lineValue, fc.stringMatching(/^[a-z_]{1,20}$/)),
    fc.oneof(lineValue, fc.constantFrom("_", "p", "pf", "=_")),
  );
  let planned = 0;
  fc.assert(
    fc.property(batchOf(siteLike), (sites) => {
      const lines: string[] = [];
      const expected: string[][] = [];
      for (const [func, flags] of sites) {
        const control = `/proc/dynamic_debug/control\nnet/netfilter/nf_conntrack_proto_tcp.c:1 [nf_conntrack]${func} =${flags} "x %d\\n"`;
        const facts = factsWith(/^@@section\tprintk\n-$/m, `@@section\tprintk\n${control}`);
        const plan = planHost(
          { name: "p", printk: [{ file: "nf_conntrack_proto_tcp.c", flags: "t" }] },
          facts,
        );
        const step = plan.steps.find((s) => s.kind === "printk");
        if (!step || step.kind !== "printk") {
          // No site parsed from that line, or a site refused as not shell-safe: nothing is sent.
          const unchanged = canonicalFlags(`${flags}t`) === canonicalFlags(flags);
          assert.ok(plan.problems.length > 0 || unchanged, JSON.stringify([func, flags]));
          continue;
        }
        assert.match(step.func, /^[A-Za-z0-9_./:-]+$/);
        if (step.from.includes("\0")) {
          assert.ok(
            rejects(() => renderStep(step)),
            "a NUL from the host is refused, not sent",
          );
          continue;
        }
        lines.push(renderStep(step));
        expected.push(["printk:printk", step.site, step.func, step.from, step.to]);
      }
      if (lines.length === 0) return;
      planned += lines.length;
      const calls = parseArgs(runSh([ARGS_STUB, 'nfd_printk() { nfd_args "$@"; }', ...lines].join("\n")));
      assert.equal(calls.length, expected.length);
      calls.forEach((args, i) => assert.ok(sameBytes(args, expected[i]), JSON.stringify(expected[i])));
    }),
    PROPERTY,
  );
  assert.ok(planned >= 50, `${planned} sites planned`);
});

test("shQuote is what the windows marks use for the recorded source (composition check)", () => {
  const lines = windowMarkLines({ kind: "journald", detail: "a'b" });
  assert.ok(lines.some((l) => l.startsWith(`nfd_window_marks journald ${shQuote("a'b")} `)));
});
