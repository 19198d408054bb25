// What the schema cannot say about a profile's capture: nfnetlink_log and a capture come together
// (packets sent to an NFLOG group nobody listens on are dropped silently), and the bounds make sense.
import type { Problem } from "../errors.js";
import { isRecord } from "../files/value-checks.js";
import { problemAt, showValue, type Pointer, type SourceMap } from "../files/source-map.js";
import { parseSize } from "../size.js";
import { PCAP_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES } from "../kinds/capture/bounds.js";

/** Families whose nf_log value binds nfnetlink_log (logger names match in any letter case). */
function nflogFamilies(nfLog: unknown): string[] {
  if (!isRecord(nfLog)) return [];
  return Object.entries(nfLog)
    .filter(([, logger]) => typeof logger === "string" && logger.toLowerCase() === "nfnetlink_log")
    .map(([family]) => family);
}

export function captureProblems(map: SourceMap, profile: Record<string, unknown>, base: Pointer): Problem[] {
  const families = nflogFamilies(profile.nf_log);
  const { capture } = profile;
  if (capture === undefined) {
    return families.map((family) =>
      problemAt(
        map,
        [...base, "nf_log", family],
        "nfnetlink_log sends each INVALID packet to NFLOG group 0, and without a capture nothing listens there: the packets would be dropped silently. Add a capture block (e.g. capture: {}, tcpdump on each host) or bind the syslog logger instead",
      ),
    );
  }
  if (!isRecord(capture)) return [];
  const problems: Problem[] = [];
  if (families.length === 0) {
    problems.push(
      problemAt(
        map,
        [...base, "capture"],
        "captures NFLOG group 0, but nf_log binds nfnetlink_log for no family, so conntrack sends nothing there: bind it (e.g. nf_log: { ipv4: nfnetlink_log }) or remove the capture",
        "key",
      ),
    );
  }
  const bounds = captureBoundsProblem(map, capture, [...base, "capture"]);
  if (bounds) problems.push(bounds);
  return problems;
}

/**
 * A capture's max_bytes (at `at`, beside its snaplen) must hold one packet: a profile's capture and
 * a runbook's flow capture alike. The snaplen a bound left out has (512) is the default's.
 */
export function captureBoundsProblem(
  map: SourceMap,
  capture: Record<string, unknown>,
  at: Pointer,
): Problem | undefined {
  const { max_bytes: maxBytes, snaplen } = capture;
  if (typeof maxBytes !== "string" && typeof maxBytes !== "number") return undefined;
  const bytes = parseSize(String(maxBytes));
  const snap = typeof snaplen === "number" ? snaplen : undefined;
  // The schema checks integers' range and strings' shape; "0MiB" has the shape of a size.
  if (bytes === undefined && typeof maxBytes === "string" && /^\d/.test(maxBytes))
    return problemAt(map, [...at, "max_bytes"], `${showValue(maxBytes)} must be more than zero`);
  if (
    bytes !== undefined &&
    snap !== undefined &&
    bytes < PCAP_HEADER_BYTES + PCAP_RECORD_HEADER_BYTES + snap
  )
    return problemAt(
      map,
      [...at, "max_bytes"],
      `${showValue(maxBytes)} holds not even one packet of snaplen ${snap} (${PCAP_HEADER_BYTES + PCAP_RECORD_HEADER_BYTES + snap} bytes)`,
    );
  return undefined;
}
