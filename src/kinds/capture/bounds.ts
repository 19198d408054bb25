// How a capture's bounds become tcpdump's: tcpdump can stop after a number of packets (-c) but not
// after a number of bytes (-C rotates files instead), so max_bytes becomes a packet count too. A
// pcap file is a 24-byte header and, per packet, a 16-byte record header and at most snaplen bytes:
// stopping after floor((max_bytes - 24) / (16 + snaplen)) packets keeps the file within max_bytes.
import type { CaptureSettings } from "../../profile/types.js";

type Bounds = Pick<CaptureSettings, "snaplen" | "maxBytes" | "maxPackets">;

export const PCAP_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/** Packets after which tcpdump stops: max_packets, or fewer when max_bytes is reached first. */
export function capturePacketLimit(capture: Bounds): number {
  const byBytes = Math.floor(
    (capture.maxBytes - PCAP_HEADER_BYTES) / (PCAP_RECORD_HEADER_BYTES + capture.snaplen),
  );
  return Math.max(1, Math.min(capture.maxPackets, byBytes));
}
