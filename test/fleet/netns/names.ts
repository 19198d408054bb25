// Names that never collide between runs, and that say which process made them (for the sweeper).
import { randomBytes } from "node:crypto";

/** Every namespace, nft table and registry entry of the fleet helper starts with this. */
export const NETNS_PREFIX = "nfd-";

/** "<pid>-<4 hex>": the pid tells the sweeper whether the owner still lives. */
export function newRunId(pid: number = process.pid): string {
  return `${pid}-${randomBytes(2).toString("hex")}`;
}

export function netnsName(runId: string, hostName: string): string {
  return `${NETNS_PREFIX}${runId}-${hostName}`;
}

/** The run id inside a namespace name made by netnsName, or undefined for anything else. */
export function runIdOfNetns(name: string): string | undefined {
  return /^nfd-(\d+-[0-9a-f]{4})-[A-Za-z0-9]+$/.exec(name)?.[1];
}

export function ownerPidOfRun(runId: string): number {
  return Number(runId.split("-")[0]);
}

/** nftables table used in the initial namespace to black-hole cut-off hosts' ports. */
export function dropTableName(runId: string): string {
  return `nfd_${runId.replace("-", "_")}`;
}

/** h001 … h200: zero-padded so names sort like numbers. */
export function rootHostNames(count: number): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => `h${String(i + 1).padStart(width, "0")}`);
}

export const SUDO_HOST = "hsudo";
export const SUDO_PASSWORD_HOST = "hsudopw";
export const SUDO_USER = "nfdtest";
export const SUDO_PASSWORD_USER = "nfdtestpw";
