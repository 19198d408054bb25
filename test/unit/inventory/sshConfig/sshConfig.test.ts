// ssh_config resolution, checked against `ssh -G` output recorded from OpenSSH 9.2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import {
  loadSshConfig,
  parseProxyJump,
  parseSshConfig,
  resolveSshConfig,
  type ResolvedSshConfig,
} from "../../../../src/inventory/sshConfig.js";
import { InputError } from "../../../../src/errors.js";
import { FIXTURES, recordedLookups } from "../../transport/fixtures.js";

const home = join(FIXTURES, "ssh_home");
const warnings: string[] = [];
const config = loadSshConfig(join(home, ".ssh", "config"), { home, warn: (m) => warnings.push(m) });
const localUser = userInfo().username;

/** Our result in `ssh -G` form: the lines the recording kept, home shown as ~. */
function asSshG(r: ResolvedSshConfig): string[] {
  const lines = [
    `user ${r.user ?? localUser}`,
    `hostname ${r.hostName}`,
    `port ${r.port ?? 22}`,
    `identitiesonly ${r.identitiesOnly ? "yes" : "no"}`,
    ...r.identityFiles.map((f) => `identityfile ${f.replace(home, "~")}`),
  ];
  if (r.proxyJump && r.proxyJump.length > 0) {
    lines.push(
      `proxyjump ${r.proxyJump.map((h) => `${h.user ? h.user + "@" : ""}${h.host}${h.port ? ":" + h.port : ""}`).join(",")}`,
    );
  }
  return lines;
}

test("resolves every recorded alias exactly like ssh -G (Include, Match, first value wins, tokens)", () => {
  const recorded = recordedLookups("ssh_config.resolved");
  assert.equal(recorded.size, 13);
  for (const [alias, expectedRaw] of recorded) {
    const r = resolveSshConfig(config, alias);
    // ssh -G prints IdentityFile unexpanded and the local user as "root" in the recording
    const expected = expectedRaw.map((line) =>
      line
        .replace(/^user root$/, `user ${localUser}`)
        .replace("%d", "~")
        .replace("%u", localUser)
        .replace("%h", r.hostName),
    );
    assert.deepEqual(asSshG(r), expected, alias);
  }
});

test("Include follows globs relative to ~/.ssh, skips dotfiles and non-matching names", () => {
  const db1 = resolveSshConfig(config, "db1");
  assert.equal(db1.user, "dba");
  assert.equal(db1.hostName, "db1.db.example.com");
  for (const alias of ["db1", "web1", "unknownhost"]) {
    assert.notEqual(resolveSshConfig(config, alias).user, "from-hidden-file-must-not-load");
    assert.notEqual(resolveSshConfig(config, alias).user, "from-readme");
  }
});

test("an Include inside a Host block applies only to that host, and its Host lines never match others", () => {
  assert.equal(resolveSshConfig(config, "nested").user, "from-nested-include");
  assert.equal(resolveSshConfig(config, "inner-host").user, undefined);
});

test("first obtained value wins; IdentityFile accumulates; ~ and %d/%u/%h expand", () => {
  const web1 = resolveSshConfig(config, "web1");
  assert.equal(web1.port, 2201);
  assert.deepEqual(web1.identityFiles, [
    join(home, ".ssh/id_web"),
    join(home, ".ssh/id_from_match_host"),
    join(home, ".ssh/id_default"),
  ]);
  assert.equal(web1.identitiesOnly, true);
  assert.deepEqual(
    resolveSshConfig(config, "bastion.corp.example.com").identityFiles[0],
    `${home}/.ssh/id_bastion_${localUser}_192.0.2.1`,
  );
});

test("ProxyJump: hops with user and port, ssh:// URIs, none", () => {
  assert.deepEqual(resolveSshConfig(config, "chain").proxyJump, [
    { host: "jump1" },
    { host: "jh.example.com", user: "jumper", port: 2022 },
  ]);
  assert.deepEqual(resolveSshConfig(config, "direct").proxyJump, []);
  assert.equal(
    resolveSshConfig(config, "bastion.corp.example.com").proxyJump,
    undefined,
    "negated in the wildcard block",
  );
  assert.deepEqual(parseProxyJump("a@[2001:db8::7]:2022,ssh://b@h2/"), [
    { host: "2001:db8::7", user: "a", port: 2022 },
    { host: "h2", user: "b" },
  ]);
  assert.deepEqual(parseProxyJump("NONE"), []);
  assert.match(parseProxyJump("h:99999") as string, /invalid port/);
  assert.match(parseProxyJump("@h") as string, /empty user/);
});

test("Match exec is never executed: it does not match, and warns once", () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-matchexec-"));
  try {
    const proof = join(dir, "executed");
    const text = `Match exec "touch ${proof}" host *\n  User from-exec\nHost *\n  User plain\n`;
    const seen: string[] = [];
    const parsed = parseSshConfig(text, "inline", { home: dir, warn: (m) => seen.push(m) });
    assert.equal(resolveSshConfig(parsed, "a").user, "plain");
    assert.equal(resolveSshConfig(parsed, "b").user, "plain");
    assert.equal(existsSync(proof), false, "the command must not have run");
    assert.deepEqual(seen, [
      'inline:1: "Match exec" is never executed by nfdebug; the block is treated as not matching',
    ]);
    // Control: OpenSSH itself does run it, so the command above really would create the file.
    writeFileSync(join(dir, "config"), text);
    execFileSync("ssh", ["-G", "-F", join(dir, "config"), "a"], { stdio: "ignore" });
    assert.equal(existsSync(proof), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Match: negation, all, localuser; unsupported criteria do not match", () => {
  const seen: string[] = [];
  const text = [
    "Match !host skip*",
    "  Port 1001",
    "Match canonical",
    "  User never",
    `Match localuser ${localUser} all`,
    "  User local",
  ].join("\n");
  const parsed = parseSshConfig(text, "m", { warn: (m) => seen.push(m) });
  assert.equal(resolveSshConfig(parsed, "keep").port, 1001);
  assert.equal(resolveSshConfig(parsed, "skipme").port, undefined);
  assert.equal(resolveSshConfig(parsed, "keep").user, "local");
  assert.deepEqual(seen, [
    "m:3: Match canonical is not supported by nfdebug; the block is treated as not matching",
  ]);
});

test("syntax: Keyword=value, quotes, trailing comments, case-insensitive keywords", () => {
  const parsed = parseSshConfig(
    'HOST q\n  hostname="my host" # comment\n  PORT = 2022\n  IdentityFile "/k with space"\n',
    "s",
  );
  const r = resolveSshConfig(parsed, "q");
  assert.equal(r.hostName, "my host");
  assert.equal(r.port, 2022);
  assert.deepEqual(r.identityFiles, ["/k with space"]);
});

test("bad values are InputErrors located at FILE:LINE", () => {
  const parsed = parseSshConfig("Host *\n  Port http\n", "bad.conf");
  assert.throws(
    () => resolveSshConfig(parsed, "x"),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, "bad.conf:2:1: Port must be 1-65535");
      return true;
    },
  );
  assert.throws(() => parseSshConfig('Host "open\n', "q.conf"), /q\.conf:1:1: unterminated quote/);
});

test("--ssh-config FILE that does not exist is an error; a missing ~/.ssh/config is not", () => {
  assert.equal(loadSshConfig("/nonexistent/config").nodes.length, 0);
  assert.throws(() => loadSshConfig("/nonexistent/config", { required: true }), InputError);
});

test("no warnings from the fixture config", () => {
  assert.deepEqual(warnings, []);
});

test("writes nothing: resolving does not touch the filesystem", () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-sshcfg-"));
  try {
    writeFileSync(join(dir, "config"), "Host *\n  User x\n");
    const loaded = loadSshConfig(join(dir, "config"), { home: dir });
    rmSync(join(dir, "config"));
    assert.equal(resolveSshConfig(loaded, "h").user, "x");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
