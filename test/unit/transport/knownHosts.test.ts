// known_hosts parsing and matching, checked against what OpenSSH's own ssh-keygen -F reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseKnownHosts } from "../../../src/transport/hostKeys/knownHostsFile.js";
import {
  entryMatchesName,
  knownHostsName,
  lookupHostKey,
} from "../../../src/transport/hostKeys/knownHostsLookup.js";
import { KnownHostsIndex } from "../../../src/transport/hostKeys/knownHostsIndex.js";
import { fixture, FIXTURES, recordedLookups } from "./fixtures.js";

const plain = parseKnownHosts(fixture("known_hosts.plain"), "known_hosts.plain");
const hashed = parseKnownHosts(fixture("known_hosts.hashed"), "known_hosts.hashed");
const key = (name: string): Buffer => Buffer.from(fixture(`keys/${name}.pub`).split(/\s+/)[1]!, "base64");

test("parses entries, markers and notes with their line numbers", () => {
  assert.deepEqual(
    plain.entries.map((e) => [e.line, e.marker, e.keyType]),
    [
      [2, null, "ssh-ed25519"],
      [3, null, "ssh-ed25519"],
      [4, null, "ssh-rsa"],
      [5, null, "ecdsa-sha2-nistp256"],
      [6, null, "ssh-ed25519"],
      [9, "revoked", "ssh-ed25519"],
    ],
  );
  assert.deepEqual(plain.notes, [
    "known_hosts.plain:8: @cert-authority lines are not supported by the ssh2 transport (it cannot negotiate host certificates); line ignored, so a host trusted only through it counts as unknown",
    "known_hosts.plain:10: key type line does not match the key data; line ignored",
  ]);
  assert.equal(hashed.entries.length, 3);
  assert.ok(hashed.entries.every((e) => e.hosts.kind === "hashed"));
});

/** Which fixture lines match, as "patterns keytype base64" strings (cert-authority lines are dropped). */
function matchedLines(
  text: string,
  entries: ReturnType<typeof parseKnownHosts>["entries"],
  name: string,
): string[] {
  const lines = text.split("\n");
  return entries.filter((e) => entryMatchesName(e, name.toLowerCase())).map((e) => lines[e.line - 1]!);
}

for (const [file, parsed] of [
  ["known_hosts.plain", plain],
  ["known_hosts.hashed", hashed],
] as const) {
  test(`matches names exactly like ssh-keygen -F on ${file}`, () => {
    const recorded = recordedLookups(`${file}.lookups`);
    assert.ok(recorded.size >= 5);
    for (const [name, lines] of recorded) {
      const expected = lines.filter((l) => !l.startsWith("@cert-authority"));
      assert.deepEqual(matchedLines(fixture(file), parsed.entries, name), expected, `lookup of ${name}`);
    }
  });
}

test("known_hosts names: plain on port 22, [host]:port otherwise, lower-cased", () => {
  assert.equal(knownHostsName("Web1.Example.com", 22), "web1.example.com");
  assert.equal(knownHostsName("10.0.0.1", 2222), "[10.0.0.1]:2222");
});

test("lookup: known, changed (same type, other key), unknown (other types noted)", () => {
  assert.equal(lookupHostKey(plain.entries, "web1.example.com", key("a")).status, "known");
  const changed = lookupHostKey(plain.entries, "web1.example.com", key("b"));
  assert.equal(changed.status, "changed");
  assert.equal(changed.status === "changed" && changed.entry.line, 2);
  // app.corp has only an RSA key recorded: an ed25519 key is new, not changed
  const unknown = lookupHostKey(plain.entries, "app.corp.example.com", key("a"));
  assert.deepEqual(unknown, { status: "unknown", otherTypes: ["ssh-rsa"] });
  assert.deepEqual(lookupHostKey(plain.entries, "nowhere.example.net", key("a")), {
    status: "unknown",
    otherTypes: [],
  });
});

test("lookup: the negated host gets nothing from the wildcard line", () => {
  assert.equal(lookupHostKey(plain.entries, "bastion.corp.example.com", key("c")).status, "unknown");
  assert.equal(lookupHostKey(plain.entries, "x.corp.example.com", key("c")).status, "known");
});

test("lookup: a @revoked key is refused even where a host line lists it", () => {
  const found = lookupHostKey(plain.entries, knownHostsName("192.0.2.21", 2200), key("e"));
  assert.equal(found.status, "revoked");
  assert.equal(found.status === "revoked" && found.entry.line, 9);
});

test("lookup: hashed entries for [host]:port and plain names", () => {
  assert.equal(lookupHostKey(hashed.entries, "[web2.example.com]:2222", key("b")).status, "known");
  assert.equal(lookupHostKey(hashed.entries, "web2.example.com", key("b")).status, "unknown");
  assert.equal(lookupHostKey(hashed.entries, "192.0.2.10", key("b")).status, "changed");
});

test("fixture directory is found", () => {
  assert.match(FIXTURES, /test\/fixtures\/transport\/$/);
});

test("the index finds exactly the entries a scan of every entry finds, in file order", () => {
  const extra = parseKnownHosts(
    [
      // Upper case and a repeated name: OpenSSH compares host names case-insensitively.
      `WEB1.example.com,web1.example.com ${fixture("keys/a.pub").split(/\s+/).slice(0, 2).join(" ")}`,
      `,[10.0.0.5]:2201 ${fixture("keys/a.pub").split(/\s+/).slice(0, 2).join(" ")}`,
    ].join("\n"),
    "extra",
  );
  const all = [...plain.entries, ...hashed.entries, ...extra.entries];
  const index = new KnownHostsIndex(all);
  const names = [
    ...recordedLookups("known_hosts.plain.lookups").keys(),
    ...recordedLookups("known_hosts.hashed.lookups").keys(),
    "web1.example.com",
    "[10.0.0.5]:2201",
    "bastion.corp.example.com",
    "x.corp.example.com",
    "db1",
    "nowhere",
  ].map((n) => n.toLowerCase());
  assert.ok(extra.entries.length === 2 && names.length > 10);
  for (const name of names) {
    assert.deepEqual(
      index.matching(name),
      all.filter((e) => entryMatchesName(e, name)),
      name,
    );
    assert.deepEqual(index.matching(name), index.matching(name), "memoised answer is the same");
  }
});
