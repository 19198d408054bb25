// Issue 18: a whole runbook through the system ssh. The shipped tcp-invalid-triage runbook (apply,
// exec of real SYN+RST packets, collect with counters, revert) over 3 namespace hosts, once over
// ssh2 and once over --transport openssh: the same hosts, steps, per-host counters, records per
// reason and exec outputs, the knobs back as they were, and no ControlMaster or control directory
// left behind.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import { fleetArgs, fleetValues, revertOpenWindows, stopFleet } from "./fleetProbe.js";
import { bundleShape } from "./bundleShape.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const RUNBOOK = join(REPO, "playbooks", "runbooks", "tcp-invalid-triage.yaml");

let fleet: Fleet;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-openssh-run-"));
  fleet = await startFleet({ count: 3, allNetnsLogging: true });
});

afterEach(async () => {
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

const controlDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith("nfdebug-ssh-"));
const masters = (): string[] =>
  execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith("ssh ") && l.includes("ControlMaster"));

test("tcp-invalid-triage over the system ssh gives the bundle it gives over ssh2, and leaves no master", async () => {
  const before = await fleetValues(fleet);
  const dirsBefore = new Set(controlDirs());
  const mastersBefore = new Set(masters());
  const outs: Record<string, string> = {};
  for (const transport of ["ssh2", "openssh"]) {
    outs[transport] = join(dir, transport);
    const cli = await runCli(
      ["run", RUNBOOK, "--out", outs[transport], "--transport", transport, ...fleetArgs(fleet)],
      { timeoutMs: 300_000 },
    );
    assert.equal(cli.code, 0, `${transport}: ${cli.stderr}`);
  }
  const viaSsh2 = bundleShape(outs.ssh2);
  assert.deepEqual(viaSsh2.perReason, { "tcp.invalid_flags": 30 }, "3 hosts × 5 SYN+RST × 2 lines");
  assert.deepEqual(bundleShape(outs.openssh), viaSsh2);
  assert.deepEqual(await fleetValues(fleet), before, "every knob as it was");
  assert.deepEqual(
    controlDirs().filter((d) => !dirsBefore.has(d)),
    [],
    "no control directory left",
  );
  assert.deepEqual(
    masters().filter((m) => !mastersBefore.has(m)),
    [],
    "no ControlMaster left",
  );
});
