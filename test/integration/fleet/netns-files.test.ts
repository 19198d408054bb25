// The files the fleet writes are what OpenSSH and nfdebug expect, checked with OpenSSH's own tools.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  fingerprint,
  generateEd25519,
  hashedKnownHostsLine,
  knownHostsLine,
} from "../../fleet/netns/keys.js";
import { sshdConfig } from "../../fleet/netns/host-root.js";
import { renderInventory } from "../../fleet/netns/inventory-files.js";
import { parseConntrackStat, reasonOfLine } from "../../fleet/netns.js";
import type { FleetHost } from "../../fleet/netns.js";

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "nfd-files-"));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("generated keys are OpenSSH ed25519 keys with the fingerprint ssh-keygen prints", () =>
  withTempDir((dir) => {
    const pair = generateEd25519();
    const file = join(dir, "key");
    writeFileSync(file, pair.privateKey, { mode: 0o600 });
    assert.equal(execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim(), pair.publicKey);
    const listed = execFileSync("ssh-keygen", ["-l", "-f", file], { encoding: "utf8" });
    assert.match(
      listed,
      new RegExp(`^256 ${fingerprint(pair.publicKey).replace(/[+/]/g, "\\$&")} .*\\(ED25519\\)`),
    );
  }));

test("a key whose public half starts with a zero byte still loads (ssh2's generator breaks those)", () =>
  withTempDir((dir) => {
    let pair = generateEd25519();
    // Byte 19 of the blob is the first byte of the 32-byte key; about one key in 256 has 0 there.
    for (let i = 0; i < 20_000 && Buffer.from(pair.publicKey.split(" ")[1], "base64")[19] !== 0; i++) {
      pair = generateEd25519();
    }
    const blob = Buffer.from(pair.publicKey.split(" ")[1], "base64");
    assert.equal(blob[19], 0);
    assert.equal(blob.length, 51, "4+11 name, 4+32 key");
    const file = join(dir, "key");
    writeFileSync(file, pair.privateKey, { mode: 0o600 });
    assert.equal(execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim(), pair.publicKey);
  }));

test("plain and hashed known_hosts lines are found by ssh-keygen -F for [127.0.0.1]:PORT", () =>
  withTempDir((dir) => {
    const { publicKey } = generateEd25519();
    assert.equal(knownHostsLine("127.0.0.1", 2222, publicKey), `[127.0.0.1]:2222 ${publicKey}`);
    assert.equal(knownHostsLine("127.0.0.1", 22, publicKey), `127.0.0.1 ${publicKey}`);
    const file = join(dir, "known_hosts");
    writeFileSync(file, `${hashedKnownHostsLine("127.0.0.1", 2222, publicKey)}\n`);
    assert.match(readFileSync(file, "utf8"), /^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /);
    const found = execFileSync("ssh-keygen", ["-F", "[127.0.0.1]:2222", "-f", file], { encoding: "utf8" });
    assert.match(found, /Host \[127\.0\.0\.1\]:2222 found: line 1/);
    assert.throws(() =>
      execFileSync("ssh-keygen", ["-F", "[127.0.0.1]:2223", "-f", file], { stdio: "pipe" }),
    );
  }));

test("sshd -t accepts a host's sshd_config", () =>
  withTempDir((dir) => {
    const key = join(dir, "ssh_host_ed25519_key");
    writeFileSync(key, generateEd25519().privateKey, { mode: 0o600 });
    const config = join(dir, "sshd_config");
    const host = { name: "h001", netns: "nfd-1-abcd-h001", dir, mountsHome: false, hostKeyFile: key };
    writeFileSync(config, sshdConfig({ ...host, rootAuthorizedKeys: "", users: [] }));
    execFileSync("/usr/sbin/sshd", ["-t", "-f", config], { stdio: "pipe" });
    const effective = execFileSync("/usr/sbin/sshd", ["-T", "-f", config], { encoding: "utf8" });
    assert.match(effective, /^usepam no$/m);
    assert.match(effective, /^usedns no$/m);
    assert.match(effective, /^permitrootlogin without-password$/m);
    assert.match(effective, /^maxsessions 10$/m);
    assert.match(effective, /^pidfile none$/m);
  }));

test("the inventory lists every host with defaults for user and identity; sudo hosts become", () => {
  const base = {
    address: "127.0.0.1" as const,
    dir: "/x",
    runDir: "/x/run",
    hostKey: "",
    hostKeyFingerprint: "",
  };
  const hosts: FleetHost[] = [
    {
      ...base,
      name: "h001",
      netns: "n1",
      port: 20001,
      user: "root",
      become: false,
      role: "root",
      knownHostsFile: "",
    },
    {
      ...base,
      name: "hsudo",
      netns: "n2",
      port: 20002,
      user: "nfdtest",
      become: true,
      role: "sudo",
      knownHostsFile: "",
    },
  ];
  const doc = parse(renderInventory(hosts, "/keys/id_ed25519"));
  assert.deepEqual(doc, {
    defaults: { user: "root", identity: "/keys/id_ed25519" },
    hosts: [
      { name: "h001", address: "127.0.0.1", port: 20001, groups: ["fleet", "root"] },
      {
        name: "hsudo",
        address: "127.0.0.1",
        port: 20002,
        user: "nfdtest",
        become: true,
        groups: ["fleet", "sudo"],
      },
    ],
  });
});

test("parseConntrackStat sums the hex per-CPU rows by header name (recorded on 6.18)", () => {
  const recorded =
    "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
    "00000002  00000000 00000000 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n" +
    "00000002  00000000 00000000 00000000 0000000a 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000007  00000000 00000000 00000000 00000003\n";
  const stats = parseConntrackStat(recorded);
  assert.equal(stats.entries, 2, "entries is global, not summed");
  assert.equal(stats.invalid, 11);
  assert.equal(stats.icmp_error, 7);
  assert.equal(stats.search_restart, 3);
});

test("reasonOfLine takes the reason between the prefix and IN= (lines recorded on 6.18)", () => {
  assert.deepEqual(
    reasonOfLine(
      "[  447.694508] nf_ct_proto_6: ACK is over upper bound 614853689 (ACKed data not seen yet) IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=61344 DF PROTO=TCP SPT=57988 DPT=48531 SEQ=1186415268 ACK=1688595512 WINDOW=65000 RES=0x00 ACK URGP=0 UID=0 GID=0 ",
    ),
    { l4proto: 6, reason: "ACK is over upper bound 614853689 (ACKed data not seen yet)" },
  );
  assert.deepEqual(
    reasonOfLine(
      "nf_ct_proto_1: short packet IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=48851 DF PROTO=ICMP INCOMPLETE [4 bytes] ",
    ),
    { l4proto: 1, reason: "short packet" },
  );
  assert.equal(reasonOfLine("lo: entered promiscuous mode"), undefined);
});
