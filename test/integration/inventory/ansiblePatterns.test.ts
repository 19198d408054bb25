// --limit against Ansible itself: the same INI inventory, the same patterns, the hosts that
// `ansible all -l PATTERN --list-hosts` lists (ansible-core from Debian; CI installs it, .ci/run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventory } from "../../../src/inventory/load.js";
import { selectHosts } from "../../../src/inventory/limit.js";

const ANSIBLE_MISSING =
  spawnSync("ansible", ["--version"], { stdio: "ignore" }).status === 0
    ? false
    : "ansible is not installed (apt-get install ansible-core): patterns cannot be checked against it";

const INVENTORY = `web1
[web]
web1
web2
web3
[db]
db1
db2
[eu]
web1
web3
db1
[us]
web2
db2
[canary]
web3
[lb]
lb1.example.com
[edge:children]
lb
canary
`;

const PATTERNS = [
  "all",
  "*",
  "a*",
  "web",
  "web:db",
  "web,db",
  "web db",
  "web:&eu",
  "web:!canary",
  "!canary:web",
  "&eu:web:db:!db1",
  "~w.b[13]",
  "~d",
  "~(web|lb)\\d",
  "!~web",
  "web[0]",
  "web[-1]",
  "web[1:]",
  "web[0:1]",
  "edge",
  "e*",
  "db*:!db1",
  "web1",
  "!web1",
  "*.com",
  "web[!3]*",
  "web[a-z0-9]",
];

/** What Ansible lists for a pattern, or null when it selects nothing or fails. */
function ansibleHosts(inventory: string, pattern: string): string[] | null {
  const r = spawnSync("ansible", ["all", "-i", inventory, "-l", pattern, "--list-hosts"], {
    encoding: "utf8",
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_LOCALHOST_WARNING: "0" },
  });
  if (r.status !== 0) return null;
  return r.stdout
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** Runs `body` with INVENTORY written to a scratch file and loaded, removing the file after. */
async function withInventory(
  body: (file: string, hosts: Awaited<ReturnType<typeof loadInventory>>["hosts"], dir: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "nfd-patterns-"));
  try {
    const file = join(dir, "hosts.ini");
    writeFileSync(file, INVENTORY);
    const { hosts } = await loadInventory(file, {});
    body(file, hosts, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  "--limit selects what `ansible all -l PATTERN --list-hosts` lists, for names, groups, globs, regexes, :, :&, :! and subscripts",
  { skip: ANSIBLE_MISSING },
  () =>
    withInventory((file, hosts, dir) => {
      for (const pattern of PATTERNS) {
        const expected = ansibleHosts(file, pattern);
        assert.ok(
          expected && expected.length > 0,
          `ansible selects nothing for ${pattern}: not a useful case`,
        );
        const ours = selectHosts(hosts, pattern).map((h) => h.name);
        assert.deepEqual([...ours].sort(), [...expected].sort(), pattern);
      }
      // @FILE: one term per line, as Ansible reads a retry file.
      const retry = join(dir, "failed.retry");
      writeFileSync(retry, "db2\nweb3\n");
      assert.deepEqual(ansibleHosts(file, `@${retry}`)?.sort(), ["db2", "web3"]);
      assert.deepEqual(
        selectHosts(hosts, `@${retry}`).map((h) => h.name),
        ["web3", "db2"],
      );
    }),
);

test(
  "where Ansible warns and goes on, --limit stops: a term that matches nothing, a subscript past the hosts",
  { skip: ANSIBLE_MISSING },
  () =>
    withInventory((file, hosts) => {
      assert.deepEqual(ansibleHosts(file, "web:webb")?.sort(), ["web1", "web2", "web3"]);
      assert.throws(() => selectHosts(hosts, "web:webb"), {
        name: "InputError",
        message: '--limit "web:webb": "webb" matches no host or group in the inventory',
      });
      assert.equal(ansibleHosts(file, "web[5]"), null);
      assert.throws(() => selectHosts(hosts, "web[5]"), {
        name: "InputError",
        message: '--limit "web[5]": web[5] is past the 3 host(s) web matches',
      });
    }),
);
