// --shard K/N: a stable share of the hosts, so N controllers (a Kubernetes Indexed Job, GNU
// parallel over N machines) can split one fleet without talking to each other.
//
// The hosts are ordered by a hash of their name and dealt round-robin: every controller given the
// same inventory and --limit computes the same split whatever order the inventory lists hosts in,
// the shares differ by at most one host (a plain hash-mod-N is uneven on small fleets: for 40
// hosts in 4 shards it often gives 6 and 14), and each host is in exactly one shard.
import { createHash } from "node:crypto";
import { InputError } from "../errors.js";
import type { HostSpec } from "./types.js";

export interface Shard {
  /** 1-based, as written: 1/4 is the first of four. */
  index: number;
  count: number;
}

/** "K/N" with 1 ≤ K ≤ N ≤ 10000; throws the flag's complaint. */
export function parseShard(text: string): Shard {
  const m = /^([1-9][0-9]{0,4})\/([1-9][0-9]{0,4})$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count > 10000)
    throw new InputError(`--shard: "${text}" is not K/N (shard K of N, counting from 1: 1/4 … 4/4)`);
  if (index > count) throw new InputError(`--shard: "${text}": K must be between 1 and ${count}`);
  return { index, count };
}

const nameHash = (name: string): string => createHash("sha256").update(name).digest("hex");

/** The hosts of shard K of N, in the order given. */
export function selectShard(hosts: HostSpec[], shard: Shard): HostSpec[] {
  const dealt = hosts
    .map((h) => ({ name: h.name, hash: nameHash(h.name) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.name < b.name ? -1 : 1));
  const mine = new Set(dealt.filter((_, i) => i % shard.count === shard.index - 1).map((h) => h.name));
  return hosts.filter((h) => mine.has(h.name));
}
