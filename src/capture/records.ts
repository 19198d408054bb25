// NFLOG captures → the records the kernel-log parser produces (src/logs/record.ts), so that the
// report, summary and JSON Lines work the same whichever backend logged the packets. The reason is
// the NFLOG prefix ("nf_ct_proto_6: invalid tcp flag combination "), read with the log parser's
// own tag and catalogue code; the packet fields come from the NFLOG TLVs and the packet bytes.
//
// Decisions (README, parse section):
// - in/out: the interface name when `ifnames` maps the index, else "ifindex:N" (a colon is never
//   part of a Linux interface name); "" when there is none, as the kernel prints "IN=".
// - time: the capture's time stamp of the packet (when tcpdump received it), at the file's resolution.
// - A packet some other rule logged to the group (nft `log group`, a prefix without conntrack's tag)
//   becomes a record with reason_id "unknown" and its prefix as reason.
// - raw: the packet as a kernel line would show it (prefix, then IN= OUT= MAC= SRC= ... in the
//   kernel's order), followed by "(nflog group N)".
import { blankRecord, conntrackPrefix, type FullRecord } from "../logs/parse.js";
import { CaptureFormatError, CaptureReader, readCapture, type CapturedPacket } from "./pcap.js";
import { decodeIpPacket } from "./ip-packet.js";
import { decodeNflog, LINKTYPE_NFLOG, NflogFormatError, type NflogPacket } from "./nflog.js";
import { describeRecord } from "./describe.js";

export interface CaptureRecordOptions {
  ifnames?: ReadonlyMap<number, string>;
}

export interface CaptureRecords {
  records: FullRecord[];
  consumed: number;
  truncated: boolean;
  /** Packets of another link type than NFLOG (a flow capture): not INVALID records. */
  skipped: number;
}

const AF_INET = 2;
const AF_INET6 = 10;

function interfaceName(
  index: number | null,
  ifnames: ReadonlyMap<number, string> | undefined,
): string | null {
  if (index === null) return null;
  return ifnames?.get(index) ?? `ifindex:${index}`;
}

function hexBytes(b: Uint8Array): string {
  const parts: string[] = [];
  for (const byte of b) parts.push(byte.toString(16).padStart(2, "0"));
  return parts.join(":");
}

/** ISO 8601 with as many digits of a second as the capture resolves (at most 9). */
export function isoTime(seconds: number, nanoseconds: number, digits: number): string {
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (digits <= 0) return `${whole}Z`;
  return `${whole}.${String(nanoseconds).padStart(9, "0").slice(0, Math.min(9, digits))}Z`;
}

/** One NFLOG packet of a capture → one record; null for a packet of another link type. */
export function recordOfPacket(
  packet: CapturedPacket,
  host: string,
  opts: CaptureRecordOptions = {},
): FullRecord | null {
  if (packet.linkType !== LINKTYPE_NFLOG) return null;
  const time =
    packet.seconds === null
      ? null
      : isoTime(packet.seconds, packet.nanoseconds ?? 0, packet.resolutionDigits);
  let nflog: NflogPacket;
  try {
    nflog = decodeNflog(packet.data, packet.littleEndian);
  } catch (err) {
    if (!(err instanceof NflogFormatError)) throw err;
    const record = blankRecord("invalid", `NFLOG packet not decodable: ${err.message}`, { host, time });
    record.truncated = true;
    record.source = "nflog";
    return record;
  }
  const record = blankRecord("invalid", "", { host, time });
  record.source = "nflog";
  const prefix = nflog.prefix ?? "";
  const tagged = conntrackPrefix(prefix);
  if (tagged !== null) {
    record.l4proto = tagged.l4proto;
    record.reason = tagged.reason;
    record.reason_id = tagged.match.id;
    record.details = tagged.match.details;
  } else record.reason = prefix.trim() === "" ? null : prefix.trim();
  record.in = interfaceName(nflog.indev, opts.ifnames) ?? "";
  record.out = interfaceName(nflog.outdev, opts.ifnames) ?? "";
  record.physin = interfaceName(nflog.physindev, opts.ifnames);
  record.physout = interfaceName(nflog.physoutdev, opts.ifnames);
  // The kernel prints MAC= for packets that came in (empty when the device has no link header).
  if (nflog.indev !== null) record.mac = nflog.hwHeader ? hexBytes(nflog.hwHeader) : "";
  if (nflog.payload !== null) decodeIpPacket(nflog.payload, record);
  else record.truncated = true;
  if (record.family === null)
    record.family = nflog.family === AF_INET6 ? "ipv6" : nflog.family === AF_INET ? "ipv4" : null;
  if (nflog.truncated) record.truncated = true;
  record.uid = nflog.uid;
  record.gid = nflog.gid;
  if (nflog.mark !== null && nflog.mark !== 0) record.mark = `0x${nflog.mark.toString(16)}`;
  record.raw = `${describeRecord(prefix, record)} (nflog group ${nflog.group})`;
  return record;
}

function recordsOf(
  packets: CapturedPacket[],
  host: string,
  opts: CaptureRecordOptions,
  out: CaptureRecords,
): void {
  for (const packet of packets) {
    const record = recordOfPacket(packet, host, opts);
    if (record === null) out.skipped++;
    else out.records.push(record);
  }
}

/** Every NFLOG packet of a capture in one buffer (pcap or pcapng) → records. */
export function captureRecords(
  buf: Uint8Array,
  host: string,
  opts: CaptureRecordOptions = {},
): CaptureRecords {
  const read = readCapture(buf);
  const out: CaptureRecords = { records: [], consumed: read.consumed, truncated: read.truncated, skipped: 0 };
  recordsOf(read.packets, host, opts, out);
  return out;
}

/** Records of a capture read in pieces (a file streamed by `nfdebug parse`). */
export async function* streamCaptureRecords(
  chunks: AsyncIterable<Uint8Array>,
  host: string,
  opts: CaptureRecordOptions = {},
): AsyncGenerator<FullRecord[], CaptureRecords> {
  const reader = new CaptureReader();
  const totals: CaptureRecords = { records: [], consumed: 0, truncated: false, skipped: 0 };
  for await (const chunk of chunks) {
    const batch: CaptureRecords = { records: [], consumed: 0, truncated: false, skipped: 0 };
    recordsOf(reader.push(chunk), host, opts, batch);
    totals.skipped += batch.skipped;
    if (batch.records.length > 0) yield batch.records;
  }
  // As readCapture: input that ends before a magic number could be read is no capture.
  if (reader.format === null)
    throw new CaptureFormatError("not a pcap or pcapng file (shorter than a magic number)", 0);
  totals.consumed = reader.consumed;
  totals.truncated = reader.truncated;
  return totals;
}
