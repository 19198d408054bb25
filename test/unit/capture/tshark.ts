// What tshark says about each packet of a capture: the reference the capture reader is checked
// against. tshark is in Debian (CI installs it, .ci/run); without it the tests that need it skip.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const TSHARK_MISSING: string | false =
  spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0
    ? false
    : "tshark is not installed (apt-get install tshark): the captures cannot be checked against it";

export function fixture(name: string): string {
  for (const up of ["../../../../test/fixtures/capture/", "../../fixtures/capture/"]) {
    const path = fileURLToPath(new URL(`${up}${name}`, import.meta.url));
    if (spawnSync("test", ["-f", path]).status === 0) return path;
  }
  throw new Error(`capture fixture ${name} not found`);
}

/** Each packet's fields, every occurrence (outer and quoted headers) in order. */
export type TsharkPacket = Record<string, string[]>;

export function tsharkFields(file: string, fields: readonly string[]): TsharkPacket[] {
  // Fragments as they are, not reassembled: the kernel logs each one on its own.
  const args = ["-n", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-r", file, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|"];
  for (const f of fields) args.push("-e", f);
  const run = spawnSync("tshark", args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tshark ${args.join(" ")}: ${run.stderr}`);
  return run.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const values = line.split("\t");
      const packet: TsharkPacket = {};
      fields.forEach((f, i) => (packet[f] = values[i] ? values[i].split("|") : []));
      return packet;
    });
}

/** NFLOG TLVs that tshark shows only as nflog.tlv_value (the others have fields of their own). */
const VALUE_ONLY_TLVS = new Set([2, 8, 12, 13, 15, 16, 17, 18, 19, 20, 21]);

/** The raw value (hex) of each NFLOG TLV type tshark shows only as bytes. */
export function nflogTlvValues(p: TsharkPacket): Map<number, string> {
  const types = p["nflog.tlv_type"].map(Number).filter((t) => VALUE_ONLY_TLVS.has(t));
  const values = p["nflog.tlv_value"];
  return new Map(types.map((t, i) => [t, values[i]]));
}
