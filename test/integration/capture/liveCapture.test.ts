// A fresh NFLOG capture made here, live: a network namespace with nfnetlink_log bound for IPv4 and
// IPv6 and nf_conntrack_log_invalid=255, tcpdump on nflog:0, real INVALID packets (the fixtures'
// sender, scapy). Checks: every record equals tshark's decoding of the same pcap, and the number of
// packets equals the namespace's conntrack counter delta (invalid + icmp_error, per-CPU rows summed).
// The namespace and tcpdump are removed however the test ends (after(), and the process's exit).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureRecords } from "../../../src/capture/records.js";
import { runChecked } from "../../fleet/netns/command.js";
import { addNetns, deleteNetnsSync, loopbackUp } from "../../fleet/netns/namespaces.js";
import { netnsName, newRunId } from "../../fleet/netns/names.js";
import { RECORD_FIELDS, TSHARK_MISSING, expectedRecord, tsharkFields } from "../../support/tshark.js";

const SENDER = fileURLToPath(new URL("../../../../test/fixtures/capture/send-invalid.py", import.meta.url));
const NEEDS =
  TSHARK_MISSING || (spawnSync("tcpdump", ["--version"]).status !== 0 ? "tcpdump is not installed" : false);
const ns = netnsName(newRunId(), "pcap"); // the fleet's naming: the sweeper removes it if this process is killed
const dir = mkdtempSync(join(tmpdir(), "nfd-live-pcap-"));
let tcpdump: ChildProcess | undefined;

function cleanUp(): void {
  if (tcpdump && tcpdump.exitCode === null) tcpdump.kill("SIGKILL");
  deleteNetnsSync([ns]);
  rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanUp);
after(cleanUp);

const RULESET = `table inet nfdpcap {
  chain out { type filter hook output priority 0; ct state invalid counter; }
  chain in { type filter hook input priority 0; ct state invalid counter; }
}
`;

/** The namespace's invalid + icmp_error counters (hex, one row per CPU; columns found by name). */
function invalidCount(): number {
  const run = spawnSync("ip", ["netns", "exec", ns, "cat", "/proc/net/stat/nf_conntrack"], {
    encoding: "utf8",
  });
  const [header, ...rows] = run.stdout
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/));
  const columns = ["invalid", "icmp_error"].map((c) => header.indexOf(c));
  return rows.reduce((sum, row) => sum + columns.reduce((s, c) => s + Number.parseInt(row[c], 16), 0), 0);
}

async function startTcpdump(file: string): Promise<ChildProcess> {
  const child = spawn(
    "ip",
    ["netns", "exec", ns, "tcpdump", "-Z", "root", "-U", "-i", "nflog:0", "-w", file],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${stderr}`)), 10_000);
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`tcpdump exited (${code}): ${stderr}`)));
  });
  return child;
}

test(
  "a live NFLOG capture: records equal tshark's, packets equal the INVALID counter delta",
  { skip: NEEDS, timeout: 60_000 },
  async () => {
    await addNetns([ns]);
    await loopbackUp([ns]);
    await runChecked([
      "ip",
      "netns",
      "exec",
      ns,
      "sysctl",
      "-qw",
      "net.netfilter.nf_log.2=nfnetlink_log",
      "net.netfilter.nf_log.10=nfnetlink_log",
      "net.netfilter.nf_conntrack_log_invalid=255",
    ]);
    await runChecked(["ip", "netns", "exec", ns, "nft", "-f", "-"], { input: RULESET });
    const file = join(dir, "live.pcap");
    tcpdump = await startTcpdump(file);
    const before = invalidCount();
    await runChecked([
      "ip",
      "netns",
      "exec",
      ns,
      "/usr/bin/python3",
      SENDER,
      "tcp-bad-flags",
      "tcp-out-of-window",
      "udp-bad-checksum",
      "icmp-bad-type",
      "icmp-echo-bad-checksum",
      "tcp6-bad-flags",
      "icmp6-bad-checksum",
    ]);
    const delta = invalidCount() - before;
    // tcpdump -U writes each packet when it arrives; SIGINT makes it flush and close the file.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise((resolve) => tcpdump?.once("exit", resolve));
    tcpdump.kill("SIGINT");
    await exited;

    const { records, truncated } = captureRecords(new Uint8Array(readFileSync(file)), "live", {
      ifnames: new Map([[1, "lo"]]),
    });
    assert.equal(truncated, false);
    // Measured, not assumed: each locally sent packet is judged at OUTPUT and again at PREROUTING
    // on lo (two records, two counts); packets written to lo with AF_PACKET only at PREROUTING.
    assert.equal(records.length, delta, `${records.length} packets captured, counters rose by ${delta}`);
    // Seen here (6.18): 4 local packets × 2 + 3 inbound × 1 = 11.
    const atOutput = records.filter((r) => r.out === "lo").length;
    const atPrerouting = records.filter((r) => r.in === "lo").length;
    assert.deepEqual([atOutput, atPrerouting], [4, 7]);
    const packets = tsharkFields(file, RECORD_FIELDS);
    assert.equal(packets.length, records.length);
    records.forEach((r, i) =>
      assert.deepEqual(
        Object.fromEntries(
          Object.keys(expectedRecord(packets[i], 6)).map((k) => [k, r[k as keyof typeof r]]),
        ),
        expectedRecord(packets[i], 6),
        r.raw,
      ),
    );
    assert.deepEqual([...new Set(records.map((r) => r.reason_id))].sort(), [
      "icmp.bad_checksum",
      "icmp.invalid_type",
      "icmpv6.bad_checksum",
      "tcp.ack_over_upper_bound",
      "tcp.invalid_flags",
      "udp.bad_checksum",
    ]);
  },
);
