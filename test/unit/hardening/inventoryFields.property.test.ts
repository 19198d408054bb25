// Property (issue 9): inventory fields never reach a remote shell (the address, port, user, keys
// and jump hosts go to ssh2; names go to messages, reports, file names and the audit trail), so
// the property here is: a random or hostile value is rejected (InputError), or it is accepted
// unchanged and is inert — no shell syntax, no control characters, no leading "-" that a command
// would take for an option. Both the nfdebug YAML and the Ansible INI reader are fed. Fixed seed;
// RUNS × BATCH = 500 values per field (shellProbe.ts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { InputError } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { BATCH, PROPERTY, hostile } from "./shellProbe.js";

let dir: string;
let n = 0;
before(() => (dir = mkdtempSync(join(tmpdir(), "nfd-hardening-inv-"))));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Loads the text as an inventory: its hosts, or null when it was rejected with an InputError. */
async function load(text: string, ext: string): Promise<HostSpec[] | null> {
  const file = join(dir, `inv-${n++}.${ext}`);
  writeFileSync(file, text);
  try {
    return (await loadInventory(file)).hosts;
  } catch (err) {
    assert.ok(err instanceof InputError, `not an InputError: ${(err as Error).stack}`);
    return null;
  }
}

const INERT_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.:@%,[\]-]*$/;
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

interface Field {
  valid: fc.Arbitrary<string>;
  /** An nfdebug inventory with `value` in this field. */
  yaml(value: string): unknown;
  /** What the loaded host shows of the field, and how inert it must be. */
  read(host: HostSpec): string[];
  inert: RegExp;
}

const FIELDS: Record<string, Field> = {
  name: {
    valid: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,40}$/),
    yaml: (v) => ({ hosts: [{ name: v, address: "127.0.0.1" }] }),
    read: (h) => [h.name],
    inert: INERT_WORD,
  },
  group: {
    valid: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,30}$/),
    yaml: (v) => ({ hosts: [{ name: "h1", groups: [v] }] }),
    read: (h) => h.groups,
    inert: INERT_WORD,
  },
  user: {
    valid: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/),
    yaml: (v) => ({ defaults: { user: v }, hosts: [{ name: "h1" }] }),
    read: (h) => [h.user],
    inert: INERT_WORD,
  },
  address: {
    valid: fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6()),
    yaml: (v) => ({ hosts: [{ name: "h1", address: v }] }),
    read: (h) => [h.address],
    // IPv6 addresses may start with ":"; still no shell syntax, no leading "-".
    inert: /^[A-Za-z0-9_:][A-Za-z0-9_.:%-]*$/,
  },
  jump: {
    valid: fc
      .tuple(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/), fc.domain(), fc.integer({ min: 1, max: 65535 }))
      .map(([u, h, p]) => `${u}@${h}:${p}`),
    yaml: (v) => ({ hosts: [{ name: "h1", jump: v }] }),
    read: (h) => h.jump.flatMap((j) => [j.address, j.user]),
    inert: INERT_WORD,
  },
  identity: {
    valid: fc.stringMatching(/^[A-Za-z0-9_. /-]{1,40}$/).map((p) => `/keys/${p}`),
    yaml: (v) => ({ hosts: [{ name: "h1", identity: v }] }),
    read: (h) => h.identityFiles,
    // A local path read by nfdebug itself, never a shell word: only control characters are out.
    inert: NO_CONTROL,
  },
};

for (const [field, spec] of Object.entries(FIELDS)) {
  test(`inventory ${field} (nfdebug YAML): rejected, or accepted unchanged and inert`, async (t) => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(hostile, spec.valid), { minLength: BATCH, maxLength: BATCH }),
        async (values) => {
          for (const value of values) {
            const hosts = await load(stringify(spec.yaml(value)), "yaml");
            if (hosts === null) continue;
            accepted++;
            for (const seen of spec.read(hosts[0]))
              assert.match(seen, spec.inert, `${field} ${JSON.stringify(value)} → ${JSON.stringify(seen)}`);
            if (field !== "jump" && field !== "identity")
              assert.deepEqual(spec.read(hosts[0]), [value], "accepted unchanged");
          }
        },
      ),
      PROPERTY,
    );
    t.diagnostic(`${accepted} of ${PROPERTY.numRuns * BATCH} accepted`);
    assert.ok(accepted >= 50, `${field}: only ${accepted} accepted values were exercised`);
  });
}

test("Ansible INI: hostile host names and host variables are rejected, or every host that comes out is inert", async (t) => {
  let hostsSeen = 0;
  const pair = fc.tuple(fc.oneof(hostile, FIELDS.name.valid), fc.oneof(hostile, FIELDS.user.valid));
  await fc.assert(
    fc.asyncProperty(fc.array(pair, { minLength: BATCH, maxLength: BATCH }), async (pairs) => {
      for (const [name, user] of pairs) {
        const text = `[web]\n${name} ansible_host=127.0.0.1 ansible_user=${user}\n\n[web:vars]\nansible_port=2222\n`;
        const hosts = await load(text, "ini");
        if (hosts === null) continue;
        hostsSeen += hosts.length;
        for (const h of hosts) {
          for (const word of [h.name, h.user, h.address, ...h.groups])
            assert.match(word, INERT_WORD, JSON.stringify([name, user]));
          assert.ok(h.identityFiles.every((f) => NO_CONTROL.test(f)));
        }
      }
    }),
    PROPERTY,
  );
  t.diagnostic(`${hostsSeen} hosts accepted`);
  assert.ok(hostsSeen >= 50, `only ${hostsSeen} hosts were accepted`);
});
