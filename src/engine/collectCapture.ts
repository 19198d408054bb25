// Collect of a window's NFLOG capture (kind capture): the pcap bytes not fetched before, cut at the
// last whole record, in bounded round trips; handed to the sink (the bundle's pcap/<host>.pcap)
// and to the reader for records; the position acknowledged on the host (capture.collected).
import { parseIfnames } from "../capture/ifnames.js";
import { readCapture } from "../capture/readCapture.js";
import { parseTcpdumpCounters, type TcpdumpCounters } from "../capture/tcpdumpCounters.js";
import { HostError } from "../errors.js";
import { PCAP_HEADER_BYTES } from "../kinds/capture/bounds.js";
import { parseFrames, type Frame } from "../shell/frame.js";
import { call } from "../shell/quote.js";
import type { Connection } from "../transport/types.js";
import { hostLibrary, windowArg } from "./host/scripts.js";
import type { CollectSink } from "./sharedKernel.js";

/** Bytes per round trip: as base64 frames they stay well within the 16 MiB buffered-output cap. */
const FETCH_BYTES = 8 * 1024 ** 2;

/** What collect says of a host's capture (collect --json, and the report). */
export interface CaptureCollected {
  backend: "nfnetlink_log";
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
  records: number;
}

/** The host library (shipped), then one call() line of the capture kind's lib.sh. */
function captureScript(line: string): string {
  return [hostLibrary(), line].join("\n");
}

export interface CaptureMark {
  running: boolean;
  size: number;
  collected: number;
  limit: number;
}

/** The "capture RUNNING SIZE COLLECTED LIMIT" frame of the window marks; null without a capture. */
export function captureMark(frames: Frame[]): CaptureMark | null {
  const f = frames.find((x) => x.tag === "capture");
  if (!f) return null;
  const [running, size, collected, limit] = f.fields.map(Number);
  return { running: running === 1, size, collected: Math.min(collected, size), limit };
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

export async function collectCapture(
  conn: Connection,
  req: CaptureCollectRequest,
): Promise<CaptureCollected> {
  const host = conn.host.name;
  const ifnames = parseIfnames(req.files.get("ifnames") ?? "");
  let offset = req.mark.collected;
  let records = 0;
  while (offset < req.mark.size) {
    const want = Math.min(FETCH_BYTES, req.mark.size - offset);
    const fetch = call("nfd_capture_fetch", windowArg(req.window), offset, want);
    const result = await conn.runScript(captureScript(fetch), { timeoutMs: req.timeoutMs });
    let buf: Uint8Array;
    try {
      buf = decodePcapFrames(result.stdout);
    } catch (err) {
      throw new HostError(
        "remote",
        host,
        `reading the capture failed (exit ${result.code}): ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    // From a later offset the host sends the file's header first: the reader needs it.
    const header = offset === 0 ? 0 : PCAP_HEADER_BYTES;
    const reading = readCapture(buf, host, { ifnames });
    const whole = reading.consumed - header;
    if (whole <= 0) break; // only part of a record so far
    for (const record of reading.records) if (req.sink.record(record, "") !== false) records++;
    req.sink.capture?.(
      host,
      buf.subarray(0, PCAP_HEADER_BYTES),
      buf.subarray(PCAP_HEADER_BYTES, reading.consumed),
    );
    offset += whole;
  }
  if (!req.peek && offset !== req.mark.collected) {
    const ack = call("nfd_capture_collected", windowArg(req.window), offset);
    await conn.runScript(captureScript(ack), { timeoutMs: req.timeoutMs });
  }
  const tcpdump = parseTcpdumpCounters(req.files.get("capture.err") ?? "");
  return {
    backend: "nfnetlink_log",
    running: req.mark.running,
    bytes: req.mark.size,
    collected_bytes: offset,
    packet_limit: req.mark.limit,
    tcpdump,
    cut_by_bounds: tcpdump !== null && req.mark.limit > 0 && tcpdump.captured >= req.mark.limit,
    records,
  };
}
