// Limit patterns with Ansible's semantics over host names and group names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../../src/errors.js";
import { globTest, parseLimit, selectHosts, splitPattern } from "../../../src/inventory/limit.js";
import type { HostSpec } from "../../../src/inventory/types.js";

function host(name: string, groups: string[]): HostSpec {
  return { name, address: name, port: 22, user: "root", identityFiles: [], groups, become: false, jump: [] };
}
const HOSTS = [
  host("web1", ["web", "eu"]),
  host("web2", ["web", "us"]),
  host("web3", ["web", "eu", "canary"]),
  host("db1", ["db", "eu"]),
  host("db2", ["db", "us"]),
  host("lb1.example.com", ["lb"]),
];
const names = (pattern: string | undefined) => selectHosts(HOSTS, pattern).map((h) => h.name);

test("no pattern, all and * select every host", () => {
  const all = HOSTS.map((h) => h.name);
  assert.deepEqual(names(undefined), all);
  assert.deepEqual(names("all"), all);
  assert.deepEqual(names("*"), all);
});

test("names, groups and globs, comma-separated, in inventory order", () => {
  assert.deepEqual(names("db1"), ["db1"]);
  assert.deepEqual(names("db"), ["db1", "db2"]);
  assert.deepEqual(names("db2,web1"), ["web1", "db2"]);
  assert.deepEqual(names("web[a-z1-2]"), ["web1", "web2"]);
  assert.deepEqual(names("web[!12]"), ["web3"]);
  assert.deepEqual(names("?b*"), ["db1", "db2", "lb1.example.com"]);
  assert.deepEqual(names("lb1.example.com"), ["lb1.example.com"]);
  assert.deepEqual(names("lb1*com"), ["lb1.example.com"]);
});

test("a dot in a name is literal, not a regular expression", () => {
  assert.throws(() => names("lb1xexample.com"), InputError);
});

test("! excludes and & intersects, whatever the order they are written in", () => {
  assert.deepEqual(names("web,!canary"), ["web1", "web2"]);
  assert.deepEqual(names("!canary,web"), ["web1", "web2"]);
  assert.deepEqual(names("web,&eu"), ["web1", "web3"]);
  assert.deepEqual(names("&eu,web,db,!db1"), ["web1", "web3"]);
  // Only exclusions: they apply to all hosts.
  assert.deepEqual(names("!web,!lb"), ["db1", "db2"]);
  assert.deepEqual(names("&us"), ["web2", "db2"]);
});

test("a term that matches nothing is an error (a typo must not widen or narrow the fleet silently)", () => {
  assert.throws(() => names("webb"), {
    name: "InputError",
    message: '--limit "webb": "webb" matches no host or group in the inventory',
  });
  assert.throws(() => names("web,!canery,&ue"), {
    message: '--limit "web,!canery,&ue": "ue", "canery" match no host or group in the inventory',
  });
  assert.throws(() => selectHosts(HOSTS, "web,&db", "hosts"), { message: 'hosts "web,&db" selects no host' });
});

test("syntax errors are InputErrors saying what is wrong", () => {
  const chars =
    "may only use letters, digits, _ . : - and the globs * ? [...] (or ~ and a regular expression)";
  const cases: Array<[string, string]> = [
    [",", "it has no term"],
    ["!", '"!" needs a name after it'],
    ["web,~", '"~" needs a regular expression after ~'],
    ["~web(", '"~web(" is not a regular expression: Invalid regular expression: /web(/: Unterminated group'],
    ["web;reboot", `"web;reboot" ${chars}`],
    ["$(id)", `"$(id)" ${chars}`],
    ["web 1,db", `"web 1" ${chars}`],
    ["!!web", `"!!web" ${chars}`],
    ["web[1,db", '"web[1" has an unbalanced [ ]'],
    ["web]1,db", '"web]1" has an unbalanced [ ]'],
    ["@", '"@" needs a file name after it'],
    ["@/nonexistent/nfdebug.retry", "cannot read the limit file /nonexistent/nfdebug.retry (ENOENT)"],
  ];
  for (const [pattern, why] of cases) {
    assert.deepEqual(parseLimit(pattern), { error: why }, pattern);
    assert.throws(() => names(pattern), {
      name: "InputError",
      message: `--limit ${JSON.stringify(pattern)} is not a host pattern: ${why}`,
    });
  }
});

test("parseLimit keeps each term's kind and subscript; empty terms are dropped, as Ansible does", () => {
  assert.deepEqual(parseLimit("a*,&b,!c,,"), [
    { kind: "include", pattern: "a*" },
    { kind: "intersect", pattern: "b" },
    { kind: "exclude", pattern: "c" },
  ]);
  assert.deepEqual(parseLimit("web[0]:db[-1]:lb[1:3]:x[2:]:~a[0]"), [
    { kind: "include", pattern: "web", subscript: { start: 0 } },
    { kind: "include", pattern: "db", subscript: { start: -1 } },
    { kind: "include", pattern: "lb", subscript: { start: 1, end: 3 } },
    { kind: "include", pattern: "x", subscript: { start: 2, end: "last" } },
    { kind: "include", pattern: "~a[0]" },
  ]);
});

test("colons separate terms unless the pattern has commas or is one host's name", () => {
  assert.deepEqual(splitPattern("web:&eu:!db"), ["web", "&eu", "!db"]);
  assert.deepEqual(splitPattern("web[1:2]:db"), ["web[1:2]", "db"]);
  assert.deepEqual(splitPattern("fe80::1,web"), ["fe80::1", "web"]);
  assert.deepEqual(
    splitPattern("fe80::1", (s) => s === "fe80::1"),
    ["fe80::1"],
  );
  assert.deepEqual(splitPattern(" web  db "), ["web", "db"]);
});

test("@FILE reads one term per line: the retry file of a failed run", () => {
  const files: Record<string, string> = { "failed.retry": "web2\n\ndb1\n", "bad.retry": "web;x\n" };
  const read = (p: string) => {
    if (!(p in files)) throw Object.assign(new Error("no"), { code: "ENOENT" });
    return files[p];
  };
  assert.deepEqual(
    selectHosts(HOSTS, "@failed.retry", "--limit", read).map((h) => h.name),
    ["web2", "db1"],
  );
  assert.deepEqual(
    selectHosts(HOSTS, "@failed.retry:!db", "--limit", read).map((h) => h.name),
    ["web2"],
  );
  assert.throws(() => selectHosts(HOSTS, "@bad.retry", "--limit", read), {
    message: /is not a host pattern: @bad\.retry: "web;x" may only use/,
  });
});

test("globs are anchored and case-sensitive", () => {
  assert.equal(globTest("web")("web1"), false);
  assert.equal(globTest("web*")("WEB1"), false);
  assert.equal(globTest("w?b[0-9]")("wab7"), true);
});
