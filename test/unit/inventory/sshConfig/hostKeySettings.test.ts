// ssh_config's host-key directives, the system file read after the user's, and the lines the
// ssh2 transport ignores (named once per run).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ignoredDirectivesWarning,
  loadSshConfig,
  mergeSshConfig,
  parseSshConfig,
  resolveSshConfig,
  systemSshConfigPath,
} from "../../../../src/inventory/sshConfig.js";
import { InputError } from "../../../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "nfdebug-hostkeysettings-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const home = "/home/u";

test("UserKnownHostsFile and GlobalKnownHostsFile: several files, ~ and %-tokens; none is no file", () => {
  const config = parseSshConfig(
    [
      "Host web1",
      "  HostName 10.1.1.1",
      "  Port 2200",
      "  UserKnownHostsFile ~/.ssh/kh_%h_%p %d/.ssh/by-alias/%n %k.kh",
      "  GlobalKnownHostsFile /etc/fleet/known_hosts '/etc/with space'",
      "Host web2",
      "  UserKnownHostsFile none",
      "  HostKeyAlias Fleet-Web",
      "  UserKnownHostsFile /ignored/second/value",
      "  UserKnownHostsFile ~/kh/%k",
    ].join("\n"),
    "cfg",
    { home },
  );
  assert.deepEqual(resolveSshConfig(config, "web1").hostKeys, {
    userKnownHostsFiles: ["/home/u/.ssh/kh_10.1.1.1_2200", "/home/u/.ssh/by-alias/web1", "web1.kh"],
    globalKnownHostsFiles: ["/etc/fleet/known_hosts", "/etc/with space"],
  });
  assert.deepEqual(resolveSshConfig(config, "web2").hostKeys, {
    alias: "fleet-web",
    userKnownHostsFiles: [],
  });
  assert.deepEqual(resolveSshConfig(config, "other").hostKeys, {});
  const withAlias = parseSshConfig("HostKeyAlias pinned\nUserKnownHostsFile ~/kh/%k\n", "cfg", { home });
  assert.deepEqual(resolveSshConfig(withAlias, "x").hostKeys.userKnownHostsFiles, ["/home/u/kh/pinned"]);
});

test("the same values as ssh -G for UserKnownHostsFile, GlobalKnownHostsFile, HostKeyAlias, StrictHostKeyChecking", () => {
  const text = [
    "Host web1",
    "  HostName 10.1.1.1",
    "  Port 2200",
    "  HostKeyAlias Fleet-Web",
    "  UserKnownHostsFile /kh/%h_%p /kh/by-alias/%n /kh/%k.kh",
    "  GlobalKnownHostsFile /etc/fleet/known_hosts /etc/fleet/second",
    "  StrictHostKeyChecking accept-new",
    "Host *",
    "  StrictHostKeyChecking no",
  ].join("\n");
  const file = join(dir, "ssh-G.cfg");
  writeFileSync(file, text);
  const ours = resolveSshConfig(parseSshConfig(text, file, { home }), "web1").hostKeys;
  // recorded from OpenSSH 9.2 (ssh -G -F FILE web1); checked live when ssh is installed
  let recorded = [
    "userknownhostsfile /kh/10.1.1.1_2200 /kh/by-alias/web1 /kh/fleet-web.kh",
    "globalknownhostsfile /etc/fleet/known_hosts /etc/fleet/second",
    "stricthostkeychecking accept-new",
    "hostkeyalias fleet-web",
  ];
  try {
    const live = execFileSync("ssh", ["-G", "-F", file, "web1"], { encoding: "utf8" }).split("\n");
    recorded = recorded.map((line) => live.find((l) => l.startsWith(line.split(" ")[0]! + " "))!);
  } catch {
    // no ssh client: the recording stands
  }
  assert.deepEqual(
    [
      `userknownhostsfile ${ours.userKnownHostsFiles!.join(" ")}`,
      `globalknownhostsfile ${ours.globalKnownHostsFiles!.join(" ")}`,
      `stricthostkeychecking ${ours.policy === "accept-new" ? "accept-new" : "?"}`,
      `hostkeyalias ${ours.alias}`,
    ],
    recorded,
  );
});

test("StrictHostKeyChecking maps onto strict / accept-new / off, remembering its line", () => {
  const policies = ["yes", "ask", "accept-new", "no", "off", "YES"].map((value) => {
    const config = parseSshConfig(`Host *\n  StrictHostKeyChecking ${value}\n`, "cfg", { home });
    return resolveSshConfig(config, "h").hostKeys;
  });
  assert.deepEqual(
    policies.map((p) => p.policy),
    ["strict", "strict", "accept-new", "off", "off", "strict"],
  );
  assert.equal(policies[0]!.policyFrom, "cfg:2");
  const bad = parseSshConfig("StrictHostKeyChecking maybe\n", "cfg", { home });
  assert.throws(
    () => resolveSshConfig(bad, "h"),
    (err: unknown) =>
      err instanceof InputError && /cfg:1:1: StrictHostKeyChecking must be yes, no, ask/.test(err.message),
  );
  const token = parseSshConfig("UserKnownHostsFile /x/%Z\n", "cfg", { home });
  assert.throws(() => resolveSshConfig(token, "h"), /unknown token %Z in UserKnownHostsFile/);
});

test("the system file is read after the user's (first value wins); its relative Include is against its own folder", () => {
  const user = join(dir, "user-config");
  const systemDir = join(dir, "etc-ssh");
  mkdirSync(join(systemDir, "ssh_config.d"), { recursive: true });
  const system = join(systemDir, "ssh_config");
  writeFileSync(user, "Host web1\n  User fromuser\n");
  writeFileSync(system, "Include ssh_config.d/*.conf\nHost *\n  User fromsystem\n  Port 2201\n");
  writeFileSync(
    join(systemDir, "ssh_config.d", "10-fleet.conf"),
    "Host web*\n  UserKnownHostsFile /etc/fleet/kh\n  StrictHostKeyChecking accept-new\n",
  );
  // the user's last Host block does not apply to web2: the system file still starts active
  const config = loadSshConfig(user, { home, systemFile: system });
  const web1 = resolveSshConfig(config, "web1");
  assert.equal(web1.user, "fromuser");
  assert.equal(web1.port, 2201);
  assert.deepEqual(web1.hostKeys.userKnownHostsFiles, ["/etc/fleet/kh"]);
  assert.equal(web1.hostKeys.policyFrom, `${join(systemDir, "ssh_config.d", "10-fleet.conf")}:3`);
  assert.equal(resolveSshConfig(config, "web2").user, "fromsystem");
  // without systemFile (--ssh-config FILE, like ssh -F) it is not read
  assert.equal(resolveSshConfig(loadSshConfig(user, { home }), "web2").user, undefined);
  // a missing system file is skipped
  const missing = loadSshConfig(user, { home, systemFile: join(dir, "no-such") });
  assert.equal(resolveSshConfig(missing, "web1").user, "fromuser");
});

test("NFDEBUG_SYSTEM_SSH_CONFIG overrides /etc/ssh/ssh_config (for tests)", () => {
  assert.equal(systemSshConfigPath({}), "/etc/ssh/ssh_config");
  assert.equal(systemSshConfigPath({ NFDEBUG_SYSTEM_SSH_CONFIG: "" }), "/etc/ssh/ssh_config");
  assert.equal(systemSshConfigPath({ NFDEBUG_SYSTEM_SSH_CONFIG: "/tmp/x" }), "/tmp/x");
});

test("ignored directives: only lines that applied to a resolved host, each once, in one warning", () => {
  const config = parseSshConfig(
    [
      "Host *",
      "  SendEnv LANG LC_*",
      "  HashKnownHosts yes",
      "Host web*",
      "  ForwardAgent yes",
      "  Compression yes",
      "Host db*",
      "  ControlMaster auto",
    ].join("\n"),
    "cfg",
    { home },
  );
  assert.equal(ignoredDirectivesWarning(config), null);
  resolveSshConfig(config, "web1");
  resolveSshConfig(config, "web2");
  assert.equal(
    ignoredDirectivesWarning(config),
    "ssh_config directives the ssh2 transport ignores: SendEnv (cfg:2), HashKnownHosts (cfg:3), ForwardAgent (cfg:5), Compression (cfg:6)",
  );
});

test("ProxyCommand is carried to the host (the ssh2 transport refuses it); a jump host from the inventory wins", () => {
  const config = parseSshConfig(
    "Host bastioned\n  ProxyCommand ssh -W %h:%p gw\nHost none\n  ProxyCommand none\n",
    "cfg",
    { home },
  );
  const merged = mergeSshConfig({ name: "bastioned", inventory: {}, sshConfig: config, defaultUser: "u" });
  assert.deepEqual(merged.proxyCommand, { command: "ssh -W %h:%p gw", where: "cfg:2", source: "ssh_config" });
  const inventoryJump = mergeSshConfig({
    name: "bastioned",
    inventory: { jump: [{ host: "gw" }] },
    sshConfig: config,
    defaultUser: "u",
  });
  assert.equal(inventoryJump.proxyCommand, undefined);
  assert.equal(mergeSshConfig({ name: "none", inventory: {}, sshConfig: config }).proxyCommand, undefined);
  assert.equal(ignoredDirectivesWarning(config), null, "ProxyCommand is refused, not ignored");
});

test("jump hosts get their own host-key settings from their own blocks", () => {
  const config = parseSshConfig(
    "Host app\n  ProxyJump gw\nHost gw\n  HostKeyAlias gateway\n  UserKnownHostsFile /kh/gw\n",
    "cfg",
    { home },
  );
  const merged = mergeSshConfig({ name: "app", inventory: {}, sshConfig: config, defaultUser: "u" });
  assert.equal(merged.hostKeys, undefined);
  assert.deepEqual(merged.jump[0]!.hostKeys, { alias: "gateway", userKnownHostsFiles: ["/kh/gw"] });
});
