// A host whose answer is made to attack the operator's terminal (a window title change, a screen
// clear, a line overwritten with \r, colours): through the real CLI, none of it reaches the
// terminal; --json keeps the host's text exactly.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import { fleetArgs } from "./fleetProbe.js";

const HOSTILE = "\\033]0;owned\\007\\033[2J\\033[Hboom\\rall hosts ok \\033[31mred\\033[0m";
/** What printf makes of HOSTILE. */
const HOSTILE_TEXT = "\u001b]0;owned\u0007\u001b[2J\u001b[Hboom\rall hosts ok \u001b[31mred\u001b[0m";
/** Any character a terminal would act on rather than print (C0 but \n and \t, DEL, C1). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let fleet: Fleet;

before(async () => {
  fleet = await startFleet({ count: 2, sharedHostKey: true });
  await fleet.forceCommand(fleet.hosts[0], `printf '${HOSTILE}\\n' >&2; exit 1`);
});
after(() => fleet?.stop());

test("facts: the hostile host's stderr reaches the terminal without control characters", async () => {
  const run = await runCli(["facts", ...fleetArgs(fleet)], { json: false });
  assert.equal(run.code, 2, run.stderr);
  assert.doesNotMatch(run.stdout, CONTROL);
  assert.doesNotMatch(run.stderr, CONTROL);
  assert.match(run.stderr, /h001 +remote +could not read facts \(exit 1\): .*boomall hosts ok red/);
  assert.match(run.stdout, /h002: kernel /, "the other host is reported as usual");
});

test("facts --json: the message is the host's text, exactly", async () => {
  const run = await runCli(["facts", ...fleetArgs(fleet)]);
  assert.equal(run.code, 2, run.stderr);
  const h001 = run.json?.hosts.find((h) => h.host === "h001");
  assert.equal(h001?.error?.kind, "remote");
  assert.ok(h001?.error?.message.includes(HOSTILE_TEXT), h001?.error?.message);
  assert.doesNotMatch(run.stderr, CONTROL);
});
