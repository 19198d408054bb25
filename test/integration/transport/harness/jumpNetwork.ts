// Two network namespaces the test creates: a bastion (B) reachable from here over a veth, and
// a target (T) reachable only from B over a second veth. The root namespace gets an
// "unreachable" route for T's subnet so that a direct attempt fails at once and sends nothing
// anywhere (no traffic leaves 127.0.0.0/8 and these namespaces).
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { onCleanup } from "./cleanup.js";

export interface JumpNetwork {
  bastionNs: string;
  targetNs: string;
  /** B's address as seen from here. */
  bastionAddress: string;
  /** T's address as seen from B. */
  targetAddress: string;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

export function createJumpNetwork(): JumpNetwork {
  const tag = randomBytes(2).toString("hex");
  const octet = randomBytes(1)[0]!;
  const net = `10.253.${octet}`;
  const bastionNs = `nfdtj-${tag}-b`;
  const targetNs = `nfdtj-${tag}-t`;
  const [rootB, bRoot, bT, tB] = ["rb", "br", "bt", "tb"].map((s) => `nfj${tag}${s}`);
  // removal first, so a failure half-way still cleans up what exists
  onCleanup(`netns ${bastionNs}/${targetNs}`, () => {
    spawnSync("ip", ["route", "del", "unreachable", `${net}.4/30`]);
    spawnSync("ip", ["link", "del", rootB!]);
    spawnSync("ip", ["netns", "del", bastionNs]);
    spawnSync("ip", ["netns", "del", targetNs]);
  });
  ip("netns", "add", bastionNs);
  ip("netns", "add", targetNs);
  ip("link", "add", rootB!, "type", "veth", "peer", "name", bRoot!, "netns", bastionNs);
  ip("link", "add", bT!, "netns", bastionNs, "type", "veth", "peer", "name", tB!, "netns", targetNs);
  ip("addr", "add", `${net}.1/30`, "dev", rootB!);
  ip("link", "set", rootB!, "up");
  ip("route", "add", "unreachable", `${net}.4/30`);
  for (const [ns, cmds] of [
    [
      bastionNs,
      [
        ["addr", "add", `${net}.2/30`, "dev", bRoot!],
        ["addr", "add", `${net}.5/30`, "dev", bT!],
        ["link", "set", bRoot!, "up"],
        ["link", "set", bT!, "up"],
        ["link", "set", "lo", "up"],
      ],
    ],
    [
      targetNs,
      [
        ["addr", "add", `${net}.6/30`, "dev", tB!],
        ["link", "set", tB!, "up"],
        ["link", "set", "lo", "up"],
      ],
    ],
  ] as const) {
    for (const cmd of cmds) ip("-n", ns, ...cmd);
  }
  return { bastionNs, targetNs, bastionAddress: `${net}.2`, targetAddress: `${net}.6` };
}
