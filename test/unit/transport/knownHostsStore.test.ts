// Recording accepted keys (accept-new): one whole line appended, existing text kept.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KnownHostsStore } from "../../../src/transport/hostKeys/knownHostsStore.js";
import { KnownHostsFiles } from "../../../src/transport/hostKeys/knownHostsFiles.js";
import { knownHostsName } from "../../../src/transport/hostKeys/knownHostsLookup.js";
import { hostKeyAlgorithmsPreferring } from "../../../src/transport/hostKeys/hostKeyAlgorithms.js";
import { fixture } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "nfdebug-khstore-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const keyLine = (name: string): string[] => fixture(`keys/${name}.pub`).split(/\s+/);
const blob = (name: string): Buffer => Buffer.from(keyLine(name)[1]!, "base64");

test("record appends [host]:port type base64 after a last line without newline, then finds it", async () => {
  const file = join(dir, "kh1");
  writeFileSync(file, "# first\nweb1 " + keyLine("a").slice(0, 2).join(" "));
  const store = new KnownHostsStore({ userFiles: [file], globalFiles: [] });
  await Promise.all([
    store.record(knownHostsName("10.0.0.9", 2222), blob("b")),
    store.record(knownHostsName("10.0.0.9", 2222), blob("b")),
  ]);
  await store.record(knownHostsName("Host.Example", 22), blob("c"));
  const lines = readFileSync(file, "utf8").split("\n");
  assert.deepEqual(lines.slice(2), [
    `[10.0.0.9]:2222 ssh-ed25519 ${keyLine("b")[1]}`,
    `host.example ssh-rsa ${keyLine("c")[1]}`,
    "",
  ]);
  const found = await store.lookup(knownHostsName("10.0.0.9", 2222), blob("b"));
  assert.equal(found.status, "known");
  assert.equal(found.status === "known" && found.entry.line, 3);
  // a fresh store reads the same from disk
  const fresh = new KnownHostsStore({ userFiles: [file], globalFiles: [] });
  assert.equal((await fresh.lookup(knownHostsName("host.example", 22), blob("c"))).status, "known");
});

test("record creates ~/.ssh and a private file when there is none; refuses to record a changed key", async () => {
  const file = join(dir, "newhome", ".ssh", "known_hosts");
  const store = new KnownHostsStore({ userFiles: [file], globalFiles: [] });
  await store.record(knownHostsName("h", 22), blob("a"));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, "newhome", ".ssh")).mode & 0o777, 0o700);
  await assert.rejects(store.record(knownHostsName("h", 22), blob("b")), /changed/);
});

test("global files are read, missing ones skipped, notes reported once per line", async () => {
  const notes: string[] = [];
  const global = join(dir, "global");
  writeFileSync(
    global,
    `@cert-authority * ${keyLine("e").slice(0, 2).join(" ")}\nh2 ${keyLine("d").slice(0, 2).join(" ")}\n`,
  );
  const store = new KnownHostsStore({
    userFiles: [join(dir, "none")],
    globalFiles: [global, join(dir, "missing")],
    warn: (n) => notes.push(n),
  });
  assert.equal((await store.lookup(knownHostsName("h2", 22), blob("d"))).status, "known");
  assert.deepEqual(await store.keyTypesFor(knownHostsName("h2", 22)), ["ecdsa-sha2-nistp256"]);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /global:1: @cert-authority lines are not supported/);
});

test("stores over a shared file set see each other's recorded keys; accept-new records into the first user file", async () => {
  const files = new KnownHostsFiles();
  const first = join(dir, "shared-first");
  const second = join(dir, "shared-second");
  writeFileSync(second, `pinned ${keyLine("a").slice(0, 2).join(" ")}\n`);
  const a = new KnownHostsStore({ userFiles: [first, second], globalFiles: [], files });
  const b = new KnownHostsStore({ userFiles: [first], globalFiles: [join(dir, "missing")], files });
  assert.equal((await a.lookup("pinned", blob("a"))).status, "known", "found in the second user file");
  assert.equal((await b.lookup("alias-x", blob("b"))).status, "unknown");
  await a.record("alias-x", blob("b"));
  assert.equal(readFileSync(first, "utf8"), `alias-x ssh-ed25519 ${keyLine("b")[1]}\n`);
  assert.equal((await b.lookup("alias-x", blob("b"))).status, "known", "b sees what a recorded");
  assert.equal((await b.lookup("alias-x", blob("a"))).status, "changed");
  const none = new KnownHostsStore({ userFiles: [], globalFiles: [], files });
  await assert.rejects(none.record("x", blob("a")), /no known_hosts file/);
});

test("host key algorithms: types known for the host first, RSA via its SHA-2 signatures", () => {
  assert.deepEqual(hostKeyAlgorithmsPreferring(["ssh-rsa"]).slice(0, 4), [
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
    "ssh-ed25519",
  ]);
  assert.equal(hostKeyAlgorithmsPreferring([])[0], "ssh-ed25519");
  assert.equal(new Set(hostKeyAlgorithmsPreferring(["ecdsa-sha2-nistp384"])).size, 7);
});
