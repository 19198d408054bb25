// nfdebug validate: kind detection, text and JSON output, exit through InputError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { InputError } from "../../../src/errors.js";
import { checkFile, detectKind, runValidate, validateFile } from "../../../src/cli/actions/validate.js";
import { registerValidate } from "../../../src/cli/commands/validate.js";
import { useRepoRoot } from "./repo-root.js";

useRepoRoot();
const GOOD = "test/fixtures/good";

test("the kind is read from `kind:`, also from broken YAML; anything else is an inventory", () => {
  assert.equal(detectKind("apiVersion: nfdebug/v1\nkind: DebugProfile\n", "f"), "profile");
  assert.equal(detectKind("kind: Runbook\n", "f"), "runbook");
  assert.equal(detectKind("kind: 'DebugProfile'\nname: [oops\n", "f"), "profile");
  assert.equal(detectKind("hosts:\n  - name: a\n", "f"), "inventory");
  assert.equal(detectKind("[web]\nweb1\n", "f"), "inventory");
  assert.equal(detectKind("kind: Inventory\nhosts: []\n", "f"), "inventory");
});

test("good files of every kind have no problems", async () => {
  const expected: Record<string, string> = {
    "profile-full.yaml": "profile",
    "profile-minimal.yaml": "profile",
    "runbook-inline.yaml": "runbook",
    "inventory-full.yaml": "inventory",
    "inventory-minimal.yaml": "inventory",
    "ansible-fleet.ini": "inventory",
    "ansible-fleet.yaml": "inventory",
  };
  for (const [name, kind] of Object.entries(expected)) {
    assert.deepEqual(await checkFile(`${GOOD}/${name}`), {
      file: `${GOOD}/${name}`,
      kind,
      problems: [],
      warnings: [],
    });
  }
});

test("an unreadable file is a problem of unknown kind", async () => {
  assert.deepEqual(await checkFile(`${GOOD}/missing.yaml`), {
    file: `${GOOD}/missing.yaml`,
    kind: "unknown",
    problems: [{ file: `${GOOD}/missing.yaml`, line: 1, col: 1, message: "cannot read: no such file" }],
    warnings: [],
  });
  // A directory is an Ansible inventory directory: test/integration/inventory/ansibleDynamic.test.ts.
});

test("text output: ok lines on stdout, FILE:LINE:COL problems on stderr", async () => {
  const out: string[] = [];
  const err: string[] = [];
  await runValidate(
    [
      `${GOOD}/profile-minimal.yaml`,
      "test/fixtures/bad/profile-protocol-typo.yaml",
      `${GOOD}/ansible-fleet.ini`,
    ],
    {},
    {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    },
  );
  assert.equal(
    out.join(""),
    `${GOOD}/profile-minimal.yaml: ok (profile)\n${GOOD}/ansible-fleet.ini: ok (inventory)\n`,
  );
  assert.equal(
    err.join(""),
    'test/fixtures/bad/profile-protocol-typo.yaml:4:14: log_invalid: "tpc" is not a protocol name; expected off, all, tcp, udp, icmp, icmpv6, sctp, dccp, udplite, gre or 0..255\n',
  );
});

test("--json prints one document with every file", async () => {
  const out: string[] = [];
  await runValidate(
    [`${GOOD}/runbook-inline.yaml`, "test/fixtures/bad/inventory-bad-ipv4.yaml"],
    { json: true },
    { out: (t) => out.push(t), err: (t) => assert.fail(t) },
  );
  assert.deepEqual(JSON.parse(out.join("")), {
    command: "validate",
    files: [
      { file: `${GOOD}/runbook-inline.yaml`, kind: "runbook", ok: true, problems: [] },
      {
        file: "test/fixtures/bad/inventory-bad-ipv4.yaml",
        kind: "inventory",
        ok: false,
        problems: [
          {
            file: "test/fixtures/bad/inventory-bad-ipv4.yaml",
            line: 3,
            col: 14,
            message: 'hosts[0].address: "192.0.2.300" is not a valid IPv4 address',
          },
        ],
      },
    ],
  });
});

test("the validate command succeeds on good files and throws a summary InputError on bad ones", async () => {
  const run = async (...files: string[]) => {
    const program = new Command().exitOverride();
    registerValidate(program);
    const write = process.stdout.write;
    const errWrite = process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(["node", "nfdebug", "validate", ...files]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
  };
  await run(`${GOOD}/profile-full.yaml`, `${GOOD}/inventory-full.yaml`);
  await assert.rejects(
    run(`${GOOD}/profile-full.yaml`, "test/fixtures/bad/inventory-port-range.yaml"),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, "2 problems in 1 of 2 files");
      return true;
    },
  );
});

test("a profile whose log_invalid protocol logs nothing is valid, with a warning (text on stderr, JSON warnings)", async () => {
  const file = `${GOOD}/profile-gre-silent.yaml`;
  const out: string[] = [];
  const err: string[] = [];
  await runValidate([file], {}, { out: (t) => out.push(t), err: (t) => err.push(t) });
  assert.deepEqual(out, [`${file}: ok (profile)\n`]);
  assert.deepEqual(err, [
    `${file}: warning: log_invalid=47 (GRE) logs nothing: conntrack's GRE tracker never logs an INVALID packet\n`,
  ]);
  const json: string[] = [];
  await runValidate([file], { json: true }, { out: (t) => json.push(t), err: (t) => assert.fail(t) });
  assert.deepEqual(JSON.parse(json.join("")).files[0].warnings, [
    "log_invalid=47 (GRE) logs nothing: conntrack's GRE tracker never logs an INVALID packet",
  ]);
  assert.deepEqual(await validateFile(file), [], "no problems: exit code 0");
});
