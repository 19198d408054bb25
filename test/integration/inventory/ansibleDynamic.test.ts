// Dynamic inventories against Ansible itself: a script inventory and a directory where a
// constructed plugin is layered over a static source give the hosts, groups and connection
// variables that `ansible-inventory --list` prints for them. Also: without ansible-inventory the
// error says what to install, a failing script is quoted, and ANSIBLE_INVENTORY stands in for -i.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ansibleInventoryList } from "../../../src/inventory/ansible-inventory-command.js";
import { loadInventory } from "../../../src/inventory/load.js";
import { runCli, startCli } from "../../support/cli.js";

const ANSIBLE_MISSING =
  spawnSync("ansible-inventory", ["--version"], { stdio: "ignore" }).status === 0
    ? false
    : "ansible-inventory is not installed (apt-get install ansible-core): dynamic inventories cannot be read";

const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/ansible-dynamic/", import.meta.url));

interface Listed {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | Listed["_meta"];
}

/** Each host of `ansible-inventory -i SOURCE --list` as nfdebug should see it, worked out from the JSON alone. */
function ansibleView(source: string) {
  const r = spawnSync("ansible-inventory", ["-i", source, "--list"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const listed = JSON.parse(r.stdout) as Listed;
  const group = (name: string) => listed[name] as { hosts?: string[]; children?: string[] } | undefined;
  const members = (name: string): Set<string> =>
    new Set([
      ...(group(name)?.hosts ?? []),
      ...(group(name)?.children ?? []).flatMap((c) => [...members(c)]),
    ]);
  const groups = Object.keys(listed).filter((g) => !["_meta", "all", "ungrouped"].includes(g));
  return [...members("all")].sort().map((name) => {
    const vars = listed._meta.hostvars[name] ?? {};
    const become = vars.ansible_become;
    return {
      name,
      address: vars.ansible_host ?? name,
      port: vars.ansible_port ?? 22,
      user: vars.ansible_user ?? vars.ansible_ssh_user,
      identityFiles:
        vars.ansible_ssh_private_key_file === undefined ? [] : [vars.ansible_ssh_private_key_file],
      become: become === true || become === "yes",
      groups: groups.filter((g) => members(g).has(name)).sort(),
    };
  });
}

async function nfdebugView(source: string) {
  const { hosts } = await loadInventory(source);
  return hosts
    .map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      user: h.explicit?.includes("user") ? h.user : undefined,
      identityFiles: h.identityFiles,
      become: h.become,
      groups: [...h.groups].sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

test(
  "a script inventory gives the hosts, groups and vars that ansible-inventory --list gives",
  { skip: ANSIBLE_MISSING },
  async () => {
    const script = join(FIXTURES, "script.sh");
    const expected = ansibleView(script);
    // The script's host that is only in _meta (no group) is not in Ansible's inventory either.
    assert.deepEqual(
      expected.map((h) => h.name),
      ["l1", "w1", "w2"],
    );
    assert.deepEqual(await nfdebugView(script), expected);
  },
);

test(
  "a directory with a constructed plugin over a static source (and its group_vars, host_vars) matches ansible-inventory --list",
  { skip: ANSIBLE_MISSING },
  async () => {
    const dir = join(FIXTURES, "layered");
    const expected = ansibleView(dir);
    assert.deepEqual(
      expected.find((h) => h.name === "db1")?.groups,
      ["db", "env_prod", "prod"],
      "the constructed plugin made its groups",
    );
    assert.deepEqual(await nfdebugView(dir), expected);
    // The plugin file alone is dynamic too: constructed over nothing lists no host.
    await assert.rejects(
      loadInventory(join(dir, "02-constructed.yml")),
      /inventory hosts: must list at least 1 item/,
    );
  },
);

test(
  "nfdebug validate reads a script, a plugin file and an inventory directory",
  { skip: ANSIBLE_MISSING },
  async () => {
    const ok = await runCli(["validate", join(FIXTURES, "layered"), join(FIXTURES, "script.sh")], {
      json: false,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /layered: ok \(inventory\)/);
    assert.match(ok.stdout, /script\.sh: ok \(inventory\)/);
    const plugin = join(FIXTURES, "layered", "02-constructed.yml");
    const empty = await runCli(["validate", plugin], { json: false });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, new RegExp(`${plugin}:1:1: inventory hosts: must list at least 1 item`));
  },
);

test("without ansible-inventory on PATH: an input error naming the inventory and the package", async () => {
  const script = join(FIXTURES, "script.sh");
  const r = await runCli(["facts", "-i", script], { env: { PATH: join(FIXTURES, "no-such-bin") } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`${script}:1:1: .*ansible-inventory is not installed`));
  assert.match(r.stderr, /install the ansible-core package .* or pip install ansible-core/);
});

test(
  "a failing script: an input error naming the inventory and quoting its stderr",
  { skip: ANSIBLE_MISSING },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "nfd-dynamic-"));
    try {
      const script = join(dir, "broken.sh");
      writeFileSync(script, "#!/bin/sh\necho 'cloud API: token expired' >&2\nexit 3\n");
      chmodSync(script, 0o755);
      const r = await runCli(["facts", "-i", script]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${script}:1:1: ansible-inventory --list exited with status 1:`));
      assert.match(r.stderr, /Completely failed to parse inventory source/);
      assert.match(r.stderr, /cloud API: token expired/);
      // The same through ANSIBLE_INVENTORY when no -i is given: it is the inventory.
      const viaEnv = await runCli(["facts"], { cwd: dir, env: { ANSIBLE_INVENTORY: script } });
      assert.equal(viaEnv.code, 1, viaEnv.stderr);
      assert.match(viaEnv.stderr, /cloud API: token expired/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("nfdebug config shows an inventory from ANSIBLE_INVENTORY, and NFDEBUG_INVENTORY winning over it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-dynamic-"));
  try {
    const config = async (env: NodeJS.ProcessEnv) => {
      const r = await runCli(["config"], { cwd: dir, env: { XDG_CONFIG_HOME: dir, ...env } });
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { settings: Record<string, unknown> }).settings.inventory;
    };
    assert.deepEqual(await config({ ANSIBLE_INVENTORY: "/etc/ansible/hosts" }), {
      value: "/etc/ansible/hosts",
      source: "env ANSIBLE_INVENTORY",
    });
    assert.deepEqual(await config({ ANSIBLE_INVENTORY: "/etc/ansible/hosts", NFDEBUG_INVENTORY: "/n" }), {
      value: "/n",
      source: "env NFDEBUG_INVENTORY",
    });
    const several = await runCli(["config"], {
      cwd: dir,
      env: { XDG_CONFIG_HOME: dir, ANSIBLE_INVENTORY: "a,b" },
    });
    assert.equal(several.code, 1);
    assert.match(several.stderr, /ANSIBLE_INVENTORY names 2 inventory sources \(a, b\); nfdebug reads one/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A script that starts `sleep 60` (its pid in PIDFILE) and waits for it. */
function hangingScript(dir: string): { script: string; pidFile: string } {
  const script = join(dir, "slow.sh");
  const pidFile = join(dir, "sleep.pid");
  writeFileSync(script, `#!/bin/sh\nsleep 60 &\necho $! > ${pidFile}\nwait\n`);
  chmodSync(script, 0o755);
  return { script, pidFile };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
};

/** Killed within a few seconds: gone, or a zombie that this machine's init has not reaped yet. */
async function assertKilled(pidFile: string): Promise<void> {
  const pid = readFileSync(pidFile, "utf8").trim();
  const state = () => {
    try {
      return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
    } catch {
      return "gone";
    }
  };
  await until(() => state() === "gone" || state() === "Z");
  assert.ok(["gone", "Z"].includes(state() ?? ""), `the script's child is ${state()}, not killed`);
}

test(
  "a script that hangs: ansible-inventory and what it started are killed at the timeout",
  { skip: ANSIBLE_MISSING },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "nfd-dynamic-"));
    try {
      const { script, pidFile } = hangingScript(dir);
      const started = Date.now();
      const listed = await ansibleInventoryList(script, { timeoutMs: 4000 });
      assert.ok(Date.now() - started < 20_000, "the timeout ended the run");
      assert.deepEqual(listed, { error: "ansible-inventory --list did not finish within 4 s" });
      await assertKilled(pidFile);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("Ctrl-C while the inventory loads ends nfdebug and the script", { skip: ANSIBLE_MISSING }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-dynamic-"));
  try {
    const { script, pidFile } = hangingScript(dir);
    const run = startCli(["facts", "-i", script]);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "");
    run.child.kill("SIGINT");
    const r = await run.done;
    assert.equal(r.signal, "SIGINT", r.stderr);
    await assertKilled(pidFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
