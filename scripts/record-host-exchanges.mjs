#!/usr/bin/env node
// Records what the host scripts answer on a real kernel, for the engine's unit tests: the
// exchanges of plan, apply, a second apply, revert, the facts after, and an apply that is then
// cancelled (as after a dropped connection: src/engine/cancel.ts), on a fresh network
// namespace host of this machine (test/support/netnsShell.ts: the real scripts under `sh -s`,
// without SSH). Writes test/fixtures/exchanges/NAME.json, which test/support/recordedExchanges.ts
// reads. As root:
//
//   npm run build && node scripts/record-host-exchanges.mjs
//
// A round trip with a follow-up (apply: the facts script, then the apply script in the same
// shell) is two answers: the stdout up to and including the facts' end line, then the rest; its
// stderr and exit status belong to the second.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(root, "dist", path)).href);
const { NetnsShell } = await load("test/support/netnsShell.js");
const { scriptName } = await load("test/support/recordedExchanges.js");
const { afterMarkerLine } = await load("src/transport/lineMarker.js");
const { readFacts } = await load("src/engine/readFacts.js");
const { applyHost } = await load("src/engine/apply.js");
const { revertHost } = await load("src/engine/revert.js");
const { cancelScript } = await load("src/engine/host/scripts.js");

const PROFILE = { name: "tcp-invalid", logInvalid: 6, nfLog: { ipv6: "NONE" } };
const WINDOW = "20261204T163000-0e01";
const CANCELLED = "20261204T163000-0e03";
const request = (window) => ({ profile: PROFILE, window, owner: "tester@ctl", windowSeconds: 600 });

/** Runs each call on `shell`, keeping what each script answered under the step's name. */
function recorder(shell) {
  const steps = {};
  let answers = [];
  const conn = {
    host: shell.host,
    close() {},
    async runScript(script, options = {}) {
      let second;
      const followUp = options.followUp && {
        afterLine: options.followUp.afterLine,
        next: async (stdout) => (second = await options.followUp.next(stdout)),
      };
      const r = await shell.runScript(script, { ...options, followUp });
      if (!second) {
        answers.push({ script: scriptName(script), stdout: r.stdout, stderr: r.stderr, code: r.code });
        return r;
      }
      const end = afterMarkerLine(r.stdout, followUp.afterLine);
      answers.push({ script: scriptName(script), stdout: r.stdout.slice(0, end), stderr: "", code: 0 });
      answers.push({
        script: scriptName(second),
        stdout: r.stdout.slice(end),
        stderr: r.stderr,
        code: r.code,
      });
      return r;
    },
  };
  return {
    async step(name, call) {
      answers = [];
      await call(conn);
      steps[name] = answers;
    },
    steps,
  };
}

const shell = NetnsShell.create("nfdrec");
try {
  const rec = recorder(shell);
  await rec.step("plan", (c) => readFacts(c, PROFILE));
  await rec.step("apply", (c) => applyHost(c, request(WINDOW)));
  await rec.step("apply-again", (c) => applyHost(c, request("20261204T163000-0e02")));
  await rec.step("revert", (c) => revertHost(c, { force: false }));
  await rec.step("facts-after", (c) => readFacts(c, PROFILE));
  await rec.step("apply-cancelled", (c) => applyHost(c, request(CANCELLED)));
  await rec.step("cancel", (c) => c.runScript(cancelScript(CANCELLED)));
  const kernel = execFileSync("uname", ["-r"], { encoding: "utf8" }).trim();
  const file = join(root, "test", "fixtures", "exchanges", "tcp-invalid-netns.json");
  const recording = {
    how: `node scripts/record-host-exchanges.mjs on ${new Date().toISOString().slice(0, 10)}: a fresh network namespace host (test/support/netnsShell.ts) of kernel ${kernel}; steps plan, apply, apply-again (another window id, same profile), revert, facts-after, apply-cancelled (window "cancelled"), cancel`,
    kernel,
    profile: PROFILE,
    window: WINDOW,
    cancelled: CANCELLED,
    steps: rec.steps,
  };
  writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
  console.log(`wrote ${relative(process.cwd(), file)}`);
} finally {
  shell.destroy();
}
