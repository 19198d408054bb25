// Kind capture on real kernel state (6.18, network namespaces, the host scripts run as the SSH
// transport runs them): tcpdump on nflog:0 for the window, with real INVALID packets. Kernel truth
// is read inside the namespace (sysctl, its processes, the pcap read by tshark), never through
// nfdebug: revert and expiry leave nf_log.2, log_invalid and the processes as before.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyHost, interpretApply, renderApply } from "../../../src/engine/apply.js";
import { collectHost } from "../../../src/engine/collect.js";
import { diagnose } from "../../../src/engine/doctor.js";
import { planHost } from "../../../src/engine/plan.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { extendHost } from "../../../src/engine/extend.js";
import { cancelScript } from "../../../src/engine/host/scripts.js";
import { interpretRevert, revertHost } from "../../../src/engine/revert.js";
import { HostError } from "../../../src/errors.js";
import type { Profile } from "../../../src/profile/types.js";
import { conntrackStats, makeInvalid } from "../../fleet/netns/packets.js";
import type { StoredHost } from "../../fleet/netns/registry.js";
import { netnsProcesses, NetnsShell, type NetnsShellOptions } from "../../support/netnsShell.js";
import { wholePcapRecords } from "../../../src/capture/pcapBytes.js";

const shells: NetnsShell[] = [];
const listeners: ChildProcess[] = [];
after(() => {
  for (const l of listeners) killGroup(l);
  shells.forEach((s) => s.destroy());
});
function host(options: NetnsShellOptions = {}): NetnsShell {
  const s = NetnsShell.create("nfdcap", options);
  shells.push(s);
  return s;
}
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // gone
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(what: string, done: () => boolean, ms: number): Promise<void> {
  for (const t0 = Date.now(); !done(); await sleep(100))
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
}

const PROFILE: Profile = {
  name: "tcp-invalid-pcap",
  logInvalid: 6,
  nfLog: { ipv4: "nfnetlink_log" },
  capture: { nflogGroup: 0, snaplen: 256, maxBytes: 1024 ** 2, maxPackets: 100_000 },
};
const KEYS = ["net.netfilter.nf_log.2", "net.netfilter.nf_conntrack_log_invalid"];
let serial = 0;
const req = (seconds: number, profile = PROFILE) => ({
  profile,
  window: `20261205T130000-${(++serial).toString(16).padStart(4, "0")}`,
  owner: "capture@ctl",
  windowSeconds: seconds,
});

function values(h: NetnsShell): string[] {
  return h
    .exec(["sysctl", "-n", ...KEYS])
    .trim()
    .split("\n");
}
/** Command lines of the processes in the host's namespace. */
const processes = (h: NetnsShell) => netnsProcesses(h.netns);
const captures = (h: NetnsShell) => processes(h).filter((c) => c.startsWith("tcpdump -n -i nflog:"));
/** /run/nfdebug holds only what stays by design (the installed scripts, the lock file). */
const journalLeft = (h: NetnsShell) =>
  readdirSync(join(h.dir, "run", "nfdebug")).filter((f) => !["s", "lock", "lock.owner"].includes(f));
const windowDir = (h: NetnsShell, window: string) => join(h.dir, "var-lib", "nfdebug", "windows", window);
/** The prefix tshark reads from each packet of a pcap. */
function prefixes(file: string): string[] {
  const out = execFileSync("tshark", ["-r", file, "-T", "fields", "-e", "nflog.prefix"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out.split("\n").filter(Boolean);
}
const asStored = (h: NetnsShell) => ({ netns: h.netns }) as StoredHost;

test("apply binds nfnetlink_log, then starts tcpdump on nflog:0; the pcap holds every INVALID packet with its reason; revert stops it and restores", async () => {
  const h = host();
  const before = values(h);
  assert.deepEqual(before, ["nf_log_ipv4", "0"]);
  const r = req(300);
  const applied = await applyHost(h, r);
  assert.deepEqual(
    applied.changes.map((c) => `${c.key} ${c.from}->${c.to}`),
    [
      "net.netfilter.nf_log.2 nf_log_ipv4->nfnetlink_log",
      "net.netfilter.nf_conntrack_log_invalid 0->6",
      "nflog:0 none->running",
    ],
  );
  assert.deepEqual(values(h), ["nfnetlink_log", "6"]);
  const pcap = join(windowDir(h, r.window), "capture.pcap");
  assert.deepEqual(captures(h), [
    `tcpdump -n -i nflog:0 -w /var/lib/nfdebug/windows/${r.window}/capture.pcap -U -s 256 -c 3854 -B 8192 -Z root`,
  ]);

  const stats0 = await conntrackStats(asStored(h));
  await makeInvalid(asStored(h), "tcp-bad-flags", 3);
  const invalid = (await conntrackStats(asStored(h))).invalid - stats0.invalid;
  // Measured, not assumed: on loopback each segment is judged leaving and arriving.
  assert.equal(invalid, 6);
  await waitUntil("every INVALID packet in the pcap", () => prefixes(pcap).length === invalid, 10_000);
  assert.deepEqual(new Set(prefixes(pcap)), new Set(["nf_ct_proto_6: invalid tcp flag combination "]));

  const reverted = await revertHost(h, { force: false });
  assert.deepEqual(
    reverted.changes.map((c) => `${c.key} ${c.from}->${c.to}`),
    [
      "nflog:0 running->none",
      "net.netfilter.nf_conntrack_log_invalid 6->0",
      "net.netfilter.nf_log.2 nfnetlink_log->nf_log_ipv4",
    ],
  );
  assert.deepEqual(values(h), before, "kernel values as before");
  assert.deepEqual(captures(h), [], "no tcpdump left");
  assert.deepEqual(journalLeft(h), [], "no journal left");
  // Stopped with SIGINT: the file closed and tcpdump's counters written; kept until collected.
  assert.match(readFileSync(join(windowDir(h, r.window), "capture.err"), "utf8"), /^6 packets captured$/m);
  assert.equal(prefixes(pcap).length, 6);
});

test("a window that expires with no controller: its dead-man's switch stops the capture and restores the kernel", async () => {
  const h = host();
  const before = values(h);
  const r = req(3);
  await applyHost(h, r);
  assert.equal(captures(h).length, 1);
  await waitUntil("expiry", () => !existsSync(join(h.dir, "run", "nfdebug", "window")), 20_000);
  assert.deepEqual(values(h), before);
  assert.deepEqual(captures(h), []);
  assert.deepEqual(
    processes(h).filter((c) => c.includes("expire.sh")),
    [],
    "the switch ended too",
  );
  assert.match(readFileSync(join(windowDir(h, r.window), "capture.err"), "utf8"), /packets captured/);
});

test("tcpdump missing: plan and doctor say what to install; apply changes nothing", async () => {
  const h = host();
  h.hidden.add("tcpdump");
  const before = values(h);
  const facts = await readFacts(h, PROFILE);
  assert.equal(facts.capture?.tcpdump, null);
  assert.match(planHost(PROFILE, facts).problems.join("; "), /tcpdump is not installed.*apt install tcpdump/);
  const row = diagnose(facts, false).find((c) => c.name === "tcpdump (capture)");
  assert.equal(row?.ok, false);
  assert.match(row?.fix ?? "", /apt install tcpdump/);
  await assert.rejects(applyHost(h, req(60)), (err: HostError) => err.kind === "unsupported");
  assert.deepEqual(values(h), before);
  assert.deepEqual(captures(h), []);
});

test("NFLOG group 0 held by another listener: plan and doctor name it; a listener arriving after the plan fails the apply, rolled back", async () => {
  const h = host();
  const freeFacts = await readFacts(h, PROFILE);
  const other = spawn(
    "ip",
    ["netns", "exec", h.netns, "tcpdump", "-i", "nflog:0", "-w", join(h.dir, "other.pcap")],
    {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  listeners.push(other);
  let err = "";
  other.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  await waitUntil("the other listener binds the group", () => err.includes("listening on"), 10_000);
  // libpcap binds nfnetlink_log to nf_log.2 itself when it opens nflog: (seen here): read after it.
  const before = values(h);
  assert.deepEqual(before, ["nfnetlink_log", "0"]);
  const facts = await readFacts(h, PROFILE);
  const problems = planHost(PROFILE, facts).problems.join("; ");
  assert.match(
    problems,
    new RegExp(`NFLOG group 0 is already held by another listener \\(pid ${other.pid} \\(tcpdump\\)`),
  );
  assert.match(problems, /read its output there, or stop it to free the group/);
  const row = diagnose(facts, false).find((c) => c.name === "NFLOG group 0");
  assert.equal(row?.value, `held by pid ${other.pid} (tcpdump)`);
  await assert.rejects(applyHost(h, req(60)), (e: HostError) => e.kind === "unsupported");

  // The plan saw the group free; the listener came between plan and apply: the kernel refuses
  // tcpdump's bind, the apply fails and rolls back.
  const r = req(60);
  const script = renderApply(r, planHost(PROFILE, freeFacts));
  const run = await h.runScript(script);
  assert.throws(
    () => interpretApply(h.host.name, run.stdout, run.stderr, run.code),
    (e: HostError) =>
      e.kind === "unsupported" &&
      /NFLOG group 0 is held by another listener \(such as ulogd\).*read that listener's output, or free the group.*rolled back: nothing left changed/.test(
        e.message,
      ),
  );
  assert.deepEqual(values(h), before);
  assert.deepEqual(captures(h), []);
  assert.deepEqual(journalLeft(h), []);
});

test("revert never stops a process that merely has the recorded pid (start time and command line are checked)", async () => {
  const h = host();
  const r = req(300);
  await applyHost(h, r);
  const dir = windowDir(h, r.window);
  const [pid, , boot] = readFileSync(join(dir, "capture.pid"), "utf8").trim().split(" ");
  // tcpdump gone (as after a crash); another process in its place, recorded under the old start time.
  process.kill(Number(pid), "SIGKILL");
  const stranger = spawn("ip", ["netns", "exec", h.netns, "sleep", "300"], {
    stdio: "ignore",
    detached: true,
  });
  listeners.push(stranger);
  await waitUntil("the stranger runs", () => processes(h).includes("sleep 300"), 5000);
  const strangerPid = execFileSync("ip", ["netns", "pids", h.netns], { encoding: "utf8" })
    .split("\n")
    .find((p) => p && readFileSync(`/proc/${p}/cmdline`, "utf8").startsWith("sleep\u0000300"))!;
  const start = readFileSync(`/proc/${strangerPid}/stat`, "utf8").split(") ")[1].split(" ")[19];
  writeFileSync(join(dir, "capture.pid"), `${strangerPid} ${start} ${boot}\n`);
  const reverted = await revertHost(h, { force: false });
  assert.equal(reverted.found, "window");
  assert.ok(processes(h).includes("sleep 300"), "the unrelated process still runs");
  assert.deepEqual(values(h), ["nf_log_ipv4", "0"]);
});

test("tcpdump's own nf_log.2 binding (libpcap binds nfnetlink_log when it opens nflog:) is journaled as a side effect and restored", async () => {
  const h = host();
  const v6only: Profile = { ...PROFILE, logInvalid: 58, nfLog: { ipv6: "nfnetlink_log" } };
  const keys = ["net.netfilter.nf_log.2", "net.netfilter.nf_log.10"];
  const bindings = () =>
    h
      .exec(["sysctl", "-n", ...keys])
      .trim()
      .split("\n");
  assert.deepEqual(bindings(), ["nf_log_ipv4", "nf_log_ipv6"]);
  const applied = await applyHost(h, req(300, v6only));
  assert.deepEqual(
    applied.changes.filter((c) => c.side_effect).map((c) => `${c.key} ${c.from}->${c.to}`),
    ["net.netfilter.nf_log.2 nf_log_ipv4->nfnetlink_log"],
  );
  assert.deepEqual(bindings(), ["nfnetlink_log", "nfnetlink_log"]);
  await revertHost(h, { force: false });
  assert.deepEqual(bindings(), ["nf_log_ipv4", "nf_log_ipv6"]);
  assert.deepEqual(captures(h), []);
});

test("collect fetches only the pcap bytes not fetched before, whole records only, into the sink; tcpdump's counters once it stopped", async () => {
  const h = host();
  const r = req(300);
  await applyHost(h, r);
  const chunks: Buffer[] = [];
  let header: Buffer | undefined;
  const sink = {
    record: () => true,
    capture(_host: string, _stem: string, head: Uint8Array, records: Uint8Array) {
      header ??= Buffer.from(head);
      chunks.push(Buffer.from(records));
    },
  };
  await makeInvalid(asStored(h), "tcp-bad-flags", 2);
  const pcap = join(windowDir(h, r.window), "capture.pcap");
  await waitUntil("4 packets in the pcap", () => prefixes(pcap).length === 4, 10_000);
  const first = await collectHost(h, { sink });
  assert.equal(first.capture?.running, true);
  assert.equal(first.capture?.tcpdump, null, "no counters while it runs");
  assert.equal(first.capture?.collected_bytes, readFileSync(pcap).length);
  const again = await collectHost(h, { sink });
  assert.equal(again.capture?.collected_bytes, first.capture?.collected_bytes, "nothing new");
  await makeInvalid(asStored(h), "tcp-bad-flags", 1);
  await waitUntil("6 packets in the pcap", () => prefixes(pcap).length === 6, 10_000);
  await revertHost(h, { force: false });
  const last = await collectHost(h, { window: r.window, sink });
  assert.deepEqual(last.capture?.tcpdump, { captured: 6, received: 6, dropped_by_kernel: 0 });
  assert.equal(last.capture?.cut_by_bounds, false);
  // What the sink got, header and all, is the host's file byte for byte.
  const fetched = Buffer.concat([header!, ...chunks]);
  assert.ok(fetched.equals(readFileSync(pcap)), "the host's pcap, byte for byte");
});

test("a capture stops at its bound (max_packets); collect says it was cut", async () => {
  const h = host();
  const r = req(300, { ...PROFILE, capture: { ...PROFILE.capture!, maxPackets: 3 } });
  await applyHost(h, r);
  await makeInvalid(asStored(h), "tcp-bad-flags", 3);
  await waitUntil("tcpdump ended at its bound", () => captures(h).length === 0, 10_000);
  const collected = await collectHost(h, { sink: { record: () => true } });
  assert.equal(collected.capture?.cut_by_bounds, true);
  assert.equal(collected.capture?.tcpdump?.captured, 3);
  assert.equal(prefixes(join(windowDir(h, r.window), "capture.pcap")).length, 3);
  // The same profile again joins the window: its ended capture is not started over its pcap.
  const joined = await applyHost(h, { ...req(300, r.profile), window: r.window });
  assert.deepEqual(joined.changes, []);
  assert.deepEqual(captures(h), []);
  assert.equal(prefixes(join(windowDir(h, r.window), "capture.pcap")).length, 3);
  const reverted = await revertHost(h, { force: false });
  assert.equal(reverted.found, "window");
  assert.deepEqual(values(h), ["nf_log_ipv4", "0"]);
});

test("extend keeps the capture running past the old expiry; a cancel (the controller lost an apply) stops it", async () => {
  const h = host();
  const before = values(h);
  const r = req(3);
  await applyHost(h, r);
  const pid = readFileSync(join(windowDir(h, r.window), "capture.pid"), "utf8").split(" ")[0];
  await extendHost(h, r.window, 300);
  await sleep(5000);
  assert.equal(captures(h).length, 1);
  assert.match(
    readFileSync(`/proc/${pid}/cmdline`, "utf8"),
    /^tcpdump\0/,
    "the same tcpdump, past the old expiry",
  );
  assert.deepEqual(values(h), ["nfnetlink_log", "6"]);
  const cancelled = interpretRevert(h.host.name, (await h.runScript(cancelScript(r.window))).stdout, "", 0);
  assert.equal(cancelled.found, "window");
  assert.deepEqual(captures(h), []);
  assert.deepEqual(values(h), before);
});

test("/var/lib fills up during the capture: tcpdump's writes fail, the window still reverts, and its counters show what the pcap lacks", async () => {
  const h = host({ varLibSize: 48 * 1024 });
  const before = values(h);
  const r = req(300);
  await applyHost(h, r);
  await makeInvalid(asStored(h), "tcp-bad-flags", 200);
  const reverted = await revertHost(h, { force: false });
  assert.equal(reverted.found, "window");
  assert.deepEqual(values(h), before);
  assert.deepEqual(captures(h), []);
  const collected = await collectHost(h, { window: r.window, sink: { record: () => true } });
  const inFile = wholePcapRecords(readFileSync(join(windowDir(h, r.window), "capture.pcap"))).records;
  const counted = collected.capture?.tcpdump;
  // What tcpdump captured, the full disk cut.
  assert.ok(counted && counted.captured <= 400 && counted.captured > 0, JSON.stringify(counted));
  assert.ok(
    inFile < counted.captured,
    `the full disk cut the pcap: ${inFile} of ${counted.captured} packets in it`,
  );
});

test("a burst of 2000 INVALID packets is captured whole (tcpdump's 8 MiB socket buffer; the default lost 887)", async () => {
  const h = host();
  const r = req(300);
  await applyHost(h, r);
  const stats0 = await conntrackStats(asStored(h));
  await makeInvalid(asStored(h), "tcp-bad-flags", 1000);
  const invalid = (await conntrackStats(asStored(h))).invalid - stats0.invalid;
  assert.equal(invalid, 2000);
  await revertHost(h, { force: false });
  const collected = await collectHost(h, { window: r.window, sink: { record: () => true } });
  assert.deepEqual(collected.capture?.tcpdump, { captured: 2000, received: 2000, dropped_by_kernel: 0 });
  assert.equal(wholePcapRecords(readFileSync(join(windowDir(h, r.window), "capture.pcap"))).records, 2000);
});
