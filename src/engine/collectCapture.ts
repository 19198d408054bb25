// Collect of a window's captures (kind capture): the pcap bytes not fetched before, cut at the
// last whole record, in bounded round trips; handed to the sink (the bundle's pcap/<host>.pcap,
// and pcap/<host>.flow-NAME.pcap for flows), the NFLOG capture's also to the reader for records;
// the position acknowledged on the host (STEM.collected).
import { parseIfnames } from "../capture/ifnames.js";
import { readCapture } from "../capture/readCapture.js";
import { parseTcpdumpCounters, type TcpdumpCounters } from "../capture/tcpdumpCounters.js";
import { HostError } from "../errors.js";
import { wholePcapRecords } from "../capture/pcapBytes.js";
import { PCAP_HEADER_BYTES } from "../kinds/capture/bounds.js";
import { parseFrames, type Frame } from "../shell/frame.js";
import { call } from "../shell/quote.js";
import type { Connection } from "../transport/types.js";
import { hostLibrary, windowArg } from "./host/scripts.js";
import type { CollectSink } from "./sharedKernel.js";

/** Bytes per round trip: as base64 frames they stay well within the 16 MiB buffered-output cap. */
const FETCH_BYTES = 8 * 1024 ** 2;

/** tcpdump's state and the bytes of one pcap of the window, as collect saw them. */
interface PcapCollected {
  /** tcpdump still runs (the window is open and its bound not reached). */
  running: boolean;
  /** Size of the pcap on the host, and how much of it has been collected (this and earlier collects). */
  bytes: number;
  collected_bytes: number;
  /** tcpdump's -c: it stops by itself after this many packets (max_packets, or fewer for max_bytes). */
  packet_limit: number;
  /** tcpdump's counters at exit; null while it runs. */
  tcpdump: TcpdumpCounters | null;
  /** tcpdump stopped at its bound: packets after it were not captured. */
  cut_by_bounds: boolean;
}

/** What collect says of a host's NFLOG capture (collect --json, and the report). */
export interface CaptureCollected extends PcapCollected {
  backend: "nfnetlink_log";
  records: number;
}

/** What collect says of a flow capture (a runbook's capture step): its packets, not records. */
export interface FlowCollected extends PcapCollected {
  name: string;
  /** Packets collected by this collect. */
  packets: number;
}

/** The host library (shipped), then one call() line of the capture kind's lib.sh. */
function captureScript(line: string): string {
  return [hostLibrary(), line].join("\n");
}

/** The NFLOG capture's file stem in the window's directory; a flow's is flow-NAME. */
export const NFLOG_STEM = "capture";

export interface CaptureMark {
  /** "capture" (NFLOG) or "flow-NAME". */
  stem: string;
  running: boolean;
  size: number;
  collected: number;
  limit: number;
}

/** The "capture STEM RUNNING SIZE COLLECTED LIMIT" frames of the window marks, one per capture. */
export function captureMarks(frames: Frame[]): CaptureMark[] {
  return frames
    .filter((f) => f.tag === "capture" && /^(capture|flow-[a-z0-9][a-z0-9_-]*)$/.test(f.fields[0] ?? ""))
    .map((f) => {
      const [running, size, collected, limit] = f.fields.slice(1).map(Number);
      return { stem: f.fields[0], running: running === 1, size, collected: Math.min(collected, size), limit };
    });
}

function decodePcapFrames(stdout: string): Uint8Array {
  const frames = parseFrames(stdout);
  if (!frames.some((f) => f.tag === "end")) throw new Error("the capture's bytes ended early");
  const text = frames
    .filter((f) => f.tag === "pcap")
    .map((f) => f.fields[0])
    .join("");
  return Buffer.from(text, "base64");
}

export interface CaptureCollectRequest {
  window: string;
  mark: CaptureMark;
  files: Map<string, string>;
  sink: CollectSink;
  peek?: boolean;
  timeoutMs?: number;
}

/**
 * The pcap bytes of one capture not fetched before, cut at the last whole record, in bounded round
 * trips: each chunk (from its file header on) goes to `chunk`, which says how many bytes of whole
 * records it took. The position is then acknowledged on the host (STEM.collected).
 */
async function fetchPcap(
  conn: Connection,
  req: CaptureCollectRequest,
  chunk: (buf: Uint8Array) => number,
): Promise<number> {
  const host = conn.host.name;
  const { stem } = req.mark;
  let offset = req.mark.collected;
  while (offset < req.mark.size) {
    const want = Math.min(FETCH_BYTES, req.mark.size - offset);
    const fetch = call("nfd_capture_fetch", windowArg(req.window), stem, offset, want);
    const result = await conn.runScript(captureScript(fetch), { timeoutMs: req.timeoutMs });
    let buf: Uint8Array;
    try {
      buf = decodePcapFrames(result.stdout);
    } catch (err) {
      throw new HostError(
        "remote",
        host,
        `reading the capture ${stem}.pcap failed (exit ${result.code}): ${(err as Error).message}`,
        { cause: err },
      );
    }
    // From a later offset the host sends the file's header first: the reader needs it.
    const header = offset === 0 ? 0 : PCAP_HEADER_BYTES;
    const whole = chunk(buf) - header;
    if (whole <= 0) break; // only part of a record so far
    offset += whole;
  }
  if (!req.peek && offset !== req.mark.collected) {
    const ack = call("nfd_capture_collected", windowArg(req.window), stem, offset);
    await conn.runScript(captureScript(ack), { timeoutMs: req.timeoutMs });
  }
  return offset;
}

function pcapCollected(req: CaptureCollectRequest, collected: number): PcapCollected {
  const tcpdump = parseTcpdumpCounters(req.files.get(`${req.mark.stem}.err`) ?? "");
  return {
    running: req.mark.running,
    bytes: req.mark.size,
    collected_bytes: collected,
    packet_limit: req.mark.limit,
    tcpdump,
    cut_by_bounds: tcpdump !== null && req.mark.limit > 0 && tcpdump.captured >= req.mark.limit,
  };
}

/** The NFLOG capture: its packets become records of source "nflog", its bytes the host's pcap. */
export async function collectCapture(
  conn: Connection,
  req: CaptureCollectRequest,
): Promise<CaptureCollected> {
  const host = conn.host.name;
  const ifnames = parseIfnames(req.files.get("ifnames") ?? "");
  let records = 0;
  const collected = await fetchPcap(conn, req, (buf) => {
    const reading = readCapture(buf, host, { ifnames });
    for (const record of reading.records) if (req.sink.record(record, "") !== false) records++;
    handPcap(req, host, buf, reading.consumed);
    return reading.consumed;
  });
  return { backend: "nfnetlink_log", ...pcapCollected(req, collected), records };
}

/** A flow capture: its bytes only (a flow's packets are not INVALID records). */
export async function collectFlow(conn: Connection, req: CaptureCollectRequest): Promise<FlowCollected> {
  let packets = 0;
  const collected = await fetchPcap(conn, req, (buf) => {
    const whole = wholePcapRecords(buf);
    packets += whole.records;
    handPcap(req, conn.host.name, buf, whole.bytes);
    return whole.bytes;
  });
  return { name: req.mark.stem.replace(/^flow-/, ""), ...pcapCollected(req, collected), packets };
}

function handPcap(req: CaptureCollectRequest, host: string, buf: Uint8Array, consumed: number): void {
  if (consumed <= PCAP_HEADER_BYTES) return;
  req.sink.capture?.(
    host,
    req.mark.stem,
    buf.subarray(0, PCAP_HEADER_BYTES),
    buf.subarray(PCAP_HEADER_BYTES, consumed),
  );
}
