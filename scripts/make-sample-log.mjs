#!/usr/bin/env node
// Writes playbooks/samples/kern.log, the log `nfdebug parse` is shown on: the INVALID lines
// recorded from a real 6.18 kernel (test/fixtures/logs/kernel-6.18.txt), as Debian's rsyslog
// writes them into /var/log/kern.log (RFC 3339 stamps), spread over two hosts and a morning, among
// ordinary kernel and daemon lines. kmsg's "\x0a" becomes rsyslog's "#012", as on a real host.
// Deterministic: run it again after re-recording the fixture.
import { readFileSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const recorded = readFileSync(new URL("test/fixtures/logs/kernel-6.18.txt", root), "utf8")
  .split("\n")
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => l.slice(l.indexOf("\t") + 1));
const ordinary = [
  'audit: type=1400 audit(1764838800.123:42): apparmor="STATUS" operation="profile_load" name="nvidia_modprobe"',
  "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
  "TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.",
];
const hosts = ["edge1", "edge2"];
const start = Date.parse("2026-12-04T08:00:00.000000Z");
const lines = [];
let t = start;
recorded.forEach((message, i) => {
  t += 7_000 + ((i * 7919) % 50_000);
  const host = hosts[i % 3 === 0 ? 1 : 0];
  if (i % 20 === 0) {
    const other = ordinary[(i / 20) % ordinary.length];
    lines.push(`${stamp(t - 1000)} ${host} kernel: ${other}`);
    lines.push(
      `${stamp(t - 500)} ${host} systemd[1]: Started session-${i}.scope - Session ${i} of User ops.`,
    );
  }
  lines.push(`${stamp(t)} ${host} kernel: ${message.replaceAll("\\x0a", "#012")}`);
});
writeFileSync(new URL("playbooks/samples/kern.log", root), lines.join("\n") + "\n");
console.log(`playbooks/samples/kern.log: ${lines.length} lines, ${recorded.length} of them conntrack's`);

function stamp(ms) {
  // rsyslog's RFC3339 with microseconds and the host's zone (UTC here).
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}
