// What the collect and runbook tests read back: records files, and records matched to the flows
// of the INVALID packets a test made (fleet.makeInvalid), with the fields each kind must show.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { InvalidKind, InvalidResult } from "../../fleet/netns.js";
import type { LogRecord } from "../../../src/logs/record.js";

export type Flow = InvalidResult["flows"][number];

/** The fields a record of each kind of packet has (kernel 6.18; the ids are kernel-independent). */
export const RECORD_OF_KIND: Partial<
  Record<InvalidKind, Pick<LogRecord, "reason_id" | "l4proto" | "proto" | "flags">>
> = {
  "tcp-bad-flags": { reason_id: "tcp.invalid_flags", l4proto: 6, proto: "TCP", flags: ["RST", "SYN"] },
  "tcp-out-of-window": { reason_id: "tcp.ack_over_upper_bound", l4proto: 6, proto: "TCP", flags: ["ACK"] },
  "tcp-seq-out-of-window": {
    reason_id: "tcp.seq_over_upper_bound",
    l4proto: 6,
    proto: "TCP",
    flags: ["ACK"],
  },
  "udp-bad-checksum": { reason_id: "udp.bad_checksum", l4proto: 17, proto: "UDP", flags: [] },
};

export function readJsonLines<T = LogRecord>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** records.jsonl, and the per-host files beside it: the same records, split by host. */
export function readRecordFiles(dir: string): {
  merged: LogRecord[];
  perHost: Map<string, LogRecord[]>;
  raw: Map<string, string[]>;
} {
  const merged = readJsonLines(join(dir, "records.jsonl"));
  const perHost = new Map<string, LogRecord[]>();
  for (const f of readdirSync(join(dir, "records")))
    perHost.set(f.replace(/\.jsonl$/, ""), readJsonLines(join(dir, "records", f)));
  const raw = new Map<string, string[]>();
  for (const f of readdirSync(join(dir, "raw")))
    raw.set(
      f.replace(/\.log$/, ""),
      readFileSync(join(dir, "raw", f), "utf8")
        .split("\n")
        .slice(0, -1),
    );
  return { merged, perHost, raw };
}

export const flowKey = (f: {
  src: string | null;
  sport: number | null;
  dst: string | null;
  dport: number | null;
}) => `${f.src}:${f.sport}>${f.dst}:${f.dport}`;

export function recordsOfFlow(records: LogRecord[], flow: Flow): LogRecord[] {
  return records.filter((r) => flowKey(r) === flowKey(flow));
}

/**
 * Every packet of `made` is in `records` with the kind's reason id, protocol, addresses, ports and
 * flags, as many times as the kernel prints it (linesPerPacket: OUTPUT and PREROUTING on lo).
 */
export function assertPacketsRecorded(records: LogRecord[], made: InvalidResult, why: string): void {
  const expected = RECORD_OF_KIND[made.kind];
  assert.ok(expected, `no record expectation for ${made.kind}`);
  const perFlow = (made.packets / made.flows.length) * made.linesPerPacket;
  for (const flow of made.flows) {
    const found = recordsOfFlow(records, flow);
    assert.equal(found.length, perFlow, `${why}: ${made.kind} ${flowKey(flow)}: ${found.length} record(s)`);
    for (const r of found) {
      assert.deepEqual(
        {
          kind: r.kind,
          reason_id: r.reason_id,
          l4proto: r.l4proto,
          proto: r.proto,
          flags: r.flags,
          family: r.family,
        },
        { kind: "invalid", ...expected, family: "ipv4" },
        `${why}: ${r.raw}`,
      );
      assert.match(r.reason ?? "", made.reason, r.raw);
      assert.ok(r.raw.startsWith(`nf_ct_proto_${made.l4proto}: `), r.raw);
    }
    // Judged at OUTPUT (IN= OUT=lo) and, for two-line kinds, again when received (IN=lo OUT=).
    const hooks = found.map((r) => `${r.in}>${r.out}`).sort();
    const want = made.linesPerPacket === 2 ? [">lo", "lo>"] : ["lo>"];
    assert.deepEqual([...new Set(hooks)].sort(), want, `${why}: ${flowKey(flow)} hooks`);
  }
}

function schemaFile(): string {
  // dist/test/integration/cli/ → repository root
  return fileURLToPath(new URL("../../../../schemas/record.schema.json", import.meta.url));
}

const validateRecord = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(
  JSON.parse(readFileSync(schemaFile(), "utf8")) as object,
);

export function assertRecordsValid(records: unknown[], why: string): void {
  for (const r of records)
    assert.ok(validateRecord(r), `${why}: ${JSON.stringify(validateRecord.errors)} in ${JSON.stringify(r)}`);
}
