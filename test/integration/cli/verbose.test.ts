// -v, -vv and -vvv through the real CLI against a namespace host over real SSH: each level adds
// its lines on stderr, and stdout stays the same pure JSON.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import { fleetArgs, stopFleet } from "./fleetProbe.js";

let fleet: Fleet | undefined;
const dir = mkdtempSync(join(tmpdir(), "nfd-verbose-"));

before(async () => {
  fleet = await startFleet({ count: 1 });
});
after(() => stopFleet(fleet, dir));

const facts = (...verbose: string[]) => runCli(["facts", ...fleetArgs(fleet!), ...verbose]);

test("each -v adds detail on stderr, and --json output is the same JSON at every level", async () => {
  const host = fleet!.hosts[0].name;
  const runs = [await facts(), await facts("-v"), await facts("-vv"), await facts("-vvv")];
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const hosts = runs.map((r) => r.json!.hosts.map((h) => [h.host, h.ok]));
  for (const h of hosts) assert.deepEqual(h, [[host, true]], "stdout is the facts JSON");
  const [quiet, v, vv, vvv] = runs.map((r) => r.stderr);

  assert.doesNotMatch(quiet, /script 1 sent/);
  assert.match(v, new RegExp(`nfdebug: ${host}: connected to root@[\\d.]+:\\d+ in \\d+ ms`));
  assert.match(v, new RegExp(`nfdebug: ${host}: script 1 sent \\(\\d+ bytes\\)`));
  assert.match(v, new RegExp(`nfdebug: ${host}: script 1 exit 0 in \\d+ ms`));
  assert.match(v, new RegExp(`nfdebug: ${host}: facts ok in \\d+ ms`));
  assert.doesNotMatch(v, / 1> /, "-v does not print the script");

  assert.match(vv, new RegExp(`nfdebug: ${host} 1> # nfdebug host protocol`), "the script sent");
  assert.match(vv, new RegExp(`nfdebug: ${host} 1< @@section\\tkernel`), "the output received");
  assert.doesNotMatch(vv, / ssh: /);

  assert.match(vvv, new RegExp(`nfdebug: ${host}: ssh: .*(Handshake|KEX|Outbound)`), "ssh2's debug lines");
});

test("-vvv over the system ssh shows ssh's own debug lines of connecting, and the run still succeeds", async () => {
  const host = fleet!.hosts[0].name;
  const [plain, vvv] = [await facts("--transport", "openssh"), await facts("--transport", "openssh", "-vvv")];
  for (const r of [plain, vvv]) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    vvv.json!.hosts.map((h) => [h.host, h.ok]),
    [[host, true]],
  );
  assert.match(vvv.stderr, new RegExp(`nfdebug: ${host}: ssh: debug1: Authenticat`), "ssh -v's lines");
  assert.doesNotMatch(plain.stderr, /debug1/);
});
