// How a failed host is classified, through the real CLI over real SSH on 3 namespace hosts: a
// host whose answer is malformed fails with kind protocol (exit 2), and a bug in nfdebug while
// handling one host fails that host with kind internal and makes the command exit 3, while the
// other hosts' results are still printed. The bug is injected into the CLI process (a preloaded
// module makes one String.split throw a TypeError on that host's facts): nfdebug has no known one.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import {
  fleetArgs,
  fleetValues,
  windowHeader,
  writeProfile,
  type KnobValues,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let profile: string;
let original: Map<string, KnobValues>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-kinds-"));
  fleet = await startFleet({ count: 3 });
  profile = writeProfile(dir, "kinds-tcp", "log_invalid: tcp\nwindow: 10m\n");
  original = await fleetValues(fleet);
});

after(() => stopFleet(fleet, dir));

test("a host whose stored log position is garbage fails collect with kind protocol, exit 2; the others collect", async () => {
  const bad = fleet.host("h003");
  const applied = await runCli(["apply", profile, ...fleetArgs(fleet)]);
  assert.equal(applied.code, 0, applied.stderr);
  try {
    const first = await runCli(["collect", ...fleetArgs(fleet)]);
    assert.equal(first.code, 0, first.stderr);
    // The first collect acknowledged its position on each host; a full /var/lib could cut it short.
    const windows = join(bad.dir, "var-lib", "nfdebug", "windows");
    const [window] = readdirSync(windows);
    writeFileSync(join(windows, window, "collected.json"), '{"source":"kmsg","boot_');
    const run = await runCli(["collect", ...fleetArgs(fleet)]);
    assert.equal(run.code, 2, run.stderr);
    const byHost = new Map(run.json!.hosts.map((h) => [h.host, h]));
    assert.equal(byHost.get("h003")?.error?.kind, "protocol");
    assert.match(
      byHost.get("h003")!.error!.message,
      /recorded log position is unreadable: the stored log position is not JSON/,
    );
    for (const name of ["h001", "h002"]) assert.equal(byHost.get(name)?.ok, true, name);
  } finally {
    const reverted = await runCli(["revert", ...fleetArgs(fleet)]);
    assert.equal(reverted.code, 0, reverted.stderr);
  }
  assert.deepEqual(await fleetValues(fleet), original);
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
});

test("a bug while handling one host: that host fails with kind internal, the others are printed, exit 3", async () => {
  const bad = fleet.host("h002");
  // A line only h002's facts carry (its window history, printed by the facts script).
  const marker = "nfdebug-injected-bug";
  mkdirSync(join(bad.dir, "var-lib", "nfdebug"), { recursive: true });
  appendFileSync(
    join(bad.dir, "var-lib", "nfdebug", "windows.log"),
    `closed\t20261125T120000-dead\t1795608931\t${marker}\n`,
  );
  const preload = join(dir, "inject-bug.mjs");
  writeFileSync(
    preload,
    `const split = String.prototype.split;
String.prototype.split = function (...args) {
  if (String(this).includes(${JSON.stringify(marker)})) throw new TypeError("injected: split of h002's facts");
  return split.apply(this, args);
};
`,
  );
  const run = await runCli(["facts", ...fleetArgs(fleet)], {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
  });
  assert.equal(run.code, 3, run.stderr);
  assert.ok(run.json, `the result is printed: ${run.stdout}`);
  const byHost = new Map(run.json.hosts.map((h) => [h.host, h]));
  assert.deepEqual(byHost.get("h002")?.error, {
    kind: "internal",
    message: "TypeError: injected: split of h002's facts",
  });
  for (const name of ["h001", "h003"]) {
    assert.equal(byHost.get(name)?.ok, true, name);
    assert.ok(byHost.get(name)?.facts, `${name}'s facts are printed`);
  }
  assert.deepEqual(run.json.summary, { ok: 2, changed: 0, failed: 1 });
  assert.match(run.stderr, /nfdebug: 1 host\(s\) failed by a bug in nfdebug \(error kind internal\)/);

  // Without --json: the failure table names the host and its kind, and the exit code is the same.
  const text = await runCli(["facts", ...fleetArgs(fleet)], {
    json: false,
    env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
  });
  assert.equal(text.code, 3, text.stderr);
  assert.match(text.stderr, /h002.*internal/);
});
