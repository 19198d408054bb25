import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { interpretApply } from "../../../src/engine/apply.js";
import { interpretRevert } from "../../../src/engine/revert.js";
import { failedOutcome, summarise } from "../../../src/engine/result.js";
import { HostError } from "../../../src/errors.js";

const schema = JSON.parse(
  readFileSync(new URL("../../../../schemas/result.schema.json", import.meta.url), "utf8"),
);
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false }).compile(schema);

// Host script output as recorded from a real apply and revert on a 6.18 namespace host.
const applyOut = [
  "@@now\t1795608931\t6b4c0e53-9222-48b3-9a27-932f5b6b689b",
  "@@change\tsysctl:nf_log\tnet/netfilter/nf_log/10\tnf_log_ipv6\tNONE",
  "@@change\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t0\t6",
  "@@timer\twatchdog\t19109",
  "@@done\topened\t20261125T120000-abcd\t1795608991",
].join("\n");
const revertOut = [
  "@@restored\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t6\t0",
  "@@restored\tsysctl:nf_log\tnet/netfilter/nf_log/10\tNONE\tnf_log_ipv6",
  "@@revert\tdone\t20261125T120000-abcd",
].join("\n");

test("apply and revert results, with a failed host, match schemas/result.schema.json", () => {
  const applied = interpretApply("h001", applyOut, "", 0);
  assert.deepEqual(applied.changes, [
    { knob: "nf_log", key: "net.netfilter.nf_log.10", from: "nf_log_ipv6", to: "NONE" },
    { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "0", to: "6" },
  ]);
  const failed = failedOutcome(
    "h002",
    new HostError("hostkey", "h002", "host key not in known_hosts: ssh-ed25519 SHA256:x"),
  );
  const result = summarise("apply", [applied, failed], "20261125T120000-abcd");
  assert.equal(validate(result), true, JSON.stringify(validate.errors));
  assert.deepEqual(result.summary, { ok: 1, changed: 1, failed: 1 });
  const reverted = summarise("revert", [interpretRevert("h001", revertOut, "", 0)]);
  assert.equal(validate(reverted), true, JSON.stringify(validate.errors));
  assert.equal(reverted.hosts[0].changes[1].to, "nf_log_ipv6");
});

test("the schema rejects an unknown error kind and a change without its knob", () => {
  const bad = summarise("apply", [
    { host: "h", ok: false, changed: false, changes: [], error: { kind: "oops" as "remote", message: "x" } },
  ]);
  assert.equal(validate(bad), false);
  const noKnob = summarise("plan", [
    {
      command: "plan",
      host: "h",
      ok: true,
      changed: true,
      changes: [{ key: "k", from: "0", to: "1" } as never],
      error: null,
    },
  ]);
  assert.equal(validate(noKnob), false);
});

test("every host entry names its command; an opened window without its expiry is rejected", () => {
  const applied = interpretApply("h001", applyOut, "", 0);
  assert.equal(applied.command, "apply");
  const { expires, ...noExpiry } = applied.state === "opened" ? applied : assert.fail("opened");
  assert.equal(typeof expires, "string");
  // The types do not allow it (see test/unit/cli/render.test.ts); the JSON contract says it too.
  assert.equal(validate({ ...summarise("apply", [applied]), hosts: [noExpiry] }), false);
  assert.equal(validate(summarise("apply", [{ ...applied, command: "oops" as "apply" }])), false);
});

test("a failed host says how the cancel of its dropped apply went", () => {
  const dropped = Object.assign(new HostError("unreachable", "h002", "connection lost during apply"), {
    cancel: "prevented" as const,
  });
  const failed = failedOutcome("h002", dropped);
  assert.equal(failed.cancel, "prevented");
  assert.equal(validate(summarise("apply", [failed])), true, JSON.stringify(validate.errors));
  assert.equal(validate(summarise("apply", [{ ...failed, cancel: "maybe" as "failed" }])), false);
});
