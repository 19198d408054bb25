// Recording accepted keys (accept-new): one whole line appended, existing text kept.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KnownHostsStore } from "../../../src/transport/hostKeys/knownHostsStore.js";
import { hostKeyAlgorithmsPreferring } from "../../../src/transport/hostKeys/hostKeyAlgorithms.js";
import { fixture } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "nfdebug-khstore-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const keyLine = (name: string): string[] => fixture(`keys/${name}.pub`).split(/\s+/);
const blob = (name: string): Buffer => Buffer.from(keyLine(name)[1]!, "base64");

test("record appends [host]:port type base64 after a last line without newline, then finds it", async () => {
  const file = join(dir, "kh1");
  writeFileSync(file, "# first\nweb1 " + keyLine("a").slice(0, 2).join(" "));
  const store = new KnownHostsStore({ userFile: file, globalFiles: [] });
  await Promise.all([store.record("10.0.0.9", 2222, blob("b")), store.record("10.0.0.9", 2222, blob("b"))]);
  await store.record("Host.Example", 22, blob("c"));
  const lines = readFileSync(file, "utf8").split("\n");
  assert.deepEqual(lines.slice(2), [
    `[10.0.0.9]:2222 ssh-ed25519 ${keyLine("b")[1]}`,
    `host.example ssh-rsa ${keyLine("c")[1]}`,
    "",
  ]);
  const found = await store.lookup("10.0.0.9", 2222, blob("b"));
  assert.equal(found.status, "known");
  assert.equal(found.status === "known" && found.entry.line, 3);
  // a fresh store reads the same from disk
  const fresh = new KnownHostsStore({ userFile: file, globalFiles: [] });
  assert.equal((await fresh.lookup("host.example", 22, blob("c"))).status, "known");
});

test("record creates ~/.ssh and a private file when there is none; refuses to record a changed key", async () => {
  const file = join(dir, "newhome", ".ssh", "known_hosts");
  const store = new KnownHostsStore({ userFile: file, globalFiles: [] });
  await store.record("h", 22, blob("a"));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, "newhome", ".ssh")).mode & 0o777, 0o700);
  await assert.rejects(store.record("h", 22, blob("b")), /changed/);
});

test("global files are read, missing ones skipped, notes reported once per line", async () => {
  const notes: string[] = [];
  const global = join(dir, "global");
  writeFileSync(
    global,
    `@cert-authority * ${keyLine("e").slice(0, 2).join(" ")}\nh2 ${keyLine("d").slice(0, 2).join(" ")}\n`,
  );
  const store = new KnownHostsStore({
    userFile: join(dir, "none"),
    globalFiles: [global, join(dir, "missing")],
    warn: (n) => notes.push(n),
  });
  assert.equal((await store.lookup("h2", 22, blob("d"))).status, "known");
  assert.deepEqual(await store.keyTypesFor("h2", 22), ["ecdsa-sha2-nistp256"]);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /global:1: @cert-authority lines are not supported/);
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
