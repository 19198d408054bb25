import { test } from "node:test";
import assert from "node:assert/strict";
import { parseShard, selectShard } from "../../../src/inventory/shard.js";
import type { HostSpec } from "../../../src/inventory/types.js";

const host = (name: string): HostSpec => ({ name, address: name, port: 22, user: "root" }) as HostSpec;
const fleet = (n: number): HostSpec[] =>
  Array.from({ length: n }, (_, i) => host(`h${String(i + 1).padStart(3, "0")}`));

test("K/N is read counting from 1; anything else names the flag and the form", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseShard(" 1/1 "), { index: 1, count: 1 });
  for (const bad of ["0/4", "5/4", "4", "1/0", "a/b", "1/4/2", "-1/4", "1/20000"])
    assert.throws(() => parseShard(bad), { name: "InputError", message: /^--shard: "/ }, bad);
  assert.throws(() => parseShard("5/4"), { message: '--shard: "5/4": K must be between 1 and 4' });
});

test("the shards of 40 hosts cover each host once, with shares that differ by at most one", () => {
  const hosts = fleet(40);
  const shards = [1, 2, 3, 4].map((k) => selectShard(hosts, { index: k, count: 4 }).map((h) => h.name));
  assert.deepEqual(
    shards.map((s) => s.length),
    [10, 10, 10, 10],
  );
  assert.deepEqual(shards.flat().sort(), hosts.map((h) => h.name).sort());
  // In inventory order within a shard, and not simply consecutive runs of it.
  for (const s of shards) assert.deepEqual(s, [...s].sort());
  assert.notDeepEqual(
    shards[0],
    hosts.slice(0, 10).map((h) => h.name),
  );
  const uneven = [1, 2, 3].map((k) => selectShard(fleet(11), { index: k, count: 3 }).length);
  assert.deepEqual(uneven.sort(), [3, 4, 4]);
});

test("a host's shard does not depend on the inventory's order", () => {
  const hosts = fleet(25);
  const reversed = [...hosts].reverse();
  for (const k of [1, 2, 3]) {
    const a = selectShard(hosts, { index: k, count: 3 }).map((h) => h.name);
    const b = selectShard(reversed, { index: k, count: 3 }).map((h) => h.name);
    assert.deepEqual([...a].sort(), [...b].sort());
  }
});

test("more shards than hosts leaves some shards empty, not failing", () => {
  const sizes = [1, 2, 3, 4, 5].map((k) => selectShard(fleet(3), { index: k, count: 5 }).length);
  assert.deepEqual(
    sizes.reduce((a, b) => a + b),
    3,
  );
  assert.ok(sizes.includes(0));
});
