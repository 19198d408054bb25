// Limit patterns with Ansible's semantics over host names and group names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../../src/errors.js";
import { globTest, parseLimit, selectHosts } from "../../../src/inventory/limit.js";
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
  assert.deepEqual(names("web[12]"), ["web1", "web2"]);
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
  const cases: Array<[string, string]> = [
    ["web,,db", "it has an empty term (two commas, or a comma at an end)"],
    ["web,", "it has an empty term (two commas, or a comma at an end)"],
    ["!", '"!" needs a name after it'],
    ["web;reboot", '"web;reboot" may only use letters, digits, _ . : - and the globs * ? [...]'],
    ["$(id)", '"$(id)" may only use letters, digits, _ . : - and the globs * ? [...]'],
    ["web 1", '"web 1" may only use letters, digits, _ . : - and the globs * ? [...]'],
    ["!!web", '"!!web" may only use letters, digits, _ . : - and the globs * ? [...]'],
    ["web[1", '"web[1" has an unbalanced [ ]'],
    ["web]1", '"web]1" has an unbalanced [ ]'],
  ];
  for (const [pattern, why] of cases) {
    assert.deepEqual(parseLimit(pattern), { error: why }, pattern);
    assert.throws(() => names(pattern), {
      name: "InputError",
      message: `--limit ${JSON.stringify(pattern)} is not a host pattern: ${why}`,
    });
  }
});

test("parseLimit keeps each term's kind", () => {
  assert.deepEqual(parseLimit("a*,&b,!c"), [
    { kind: "include", glob: "a*" },
    { kind: "intersect", glob: "b" },
    { kind: "exclude", glob: "c" },
  ]);
});

test("globs are anchored and case-sensitive", () => {
  assert.equal(globTest("web")("web1"), false);
  assert.equal(globTest("web*")("WEB1"), false);
  assert.equal(globTest("w?b[0-9]")("wab7"), true);
});
