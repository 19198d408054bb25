// Knob flow of kind capture on real kernel state (6.18, network namespaces, the host scripts run as
// the SSH transport runs them): a runbook's capture step joins the open window with a tcpdump of a
// flow (an interface and a BPF filter). Kernel truth is read inside the namespace (sysctl, its
// processes, the pcap read by tshark), never through nfdebug.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { applyHost } from "../../../src/engine/apply.js";
import { collectHost } from "../../../src/engine/collect.js";
import { revertHost } from "../../../src/engine/revert.js";
import { HostError } from "../../../src/errors.js";
import type { FlowCapture, Profile } from "../../../src/profile/types.js";
import { makeInvalid } from "../../fleet/netns/packets.js";
import type { StoredHost } from "../../fleet/netns/registry.js";
import { netnsProcesses, NetnsShell } from "../../support/netnsShell.js";

const shells: NetnsShell[] = [];
after(() => shells.forEach((s) => s.destroy()));
function host(): NetnsShell {
  const s = NetnsShell.create("nfdflow");
  shells.push(s);
  return s;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(what: string, done: () => boolean, ms: number): Promise<void> {
  for (const t0 = Date.now(); !done(); await sleep(100))
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
}

// The syslog backend: a flow capture does not need the NFLOG one.
const PROFILE: Profile = { name: "flow-test", logInvalid: 6 };
const flow = (over: Partial<FlowCapture> = {}): FlowCapture => ({
  name: "repro",
  interface: "lo",
  filter: "tcp and host 127.0.0.1",
  snaplen: 256,
  maxBytes: 1024 ** 2,
  maxPackets: 1000,
  ...over,
});
let serial = 0;
const req = (seconds: number, flows?: FlowCapture[], window?: string) => ({
  profile: flows ? { ...PROFILE, flows } : PROFILE,
  window: window ?? `20261205T170000-${(++serial).toString(16).padStart(4, "0")}`,
  owner: "flow@ctl",
  windowSeconds: seconds,
});

const logInvalid = (h: NetnsShell) =>
  h.exec(["sysctl", "-n", "net.netfilter.nf_conntrack_log_invalid"]).trim();
/** Command lines of the processes in the host's namespace. */
const processes = (h: NetnsShell) => netnsProcesses(h.netns);
const tcpdumps = (h: NetnsShell) => processes(h).filter((c) => c.startsWith("tcpdump "));
const journalLeft = (h: NetnsShell) =>
  readdirSync(join(h.dir, "run", "nfdebug")).filter((f) => !["s", "lock", "lock.owner"].includes(f));
const windowDir = (h: NetnsShell, window: string) => join(h.dir, "var-lib", "nfdebug", "windows", window);
const asStored = (h: NetnsShell) => ({ netns: h.netns }) as StoredHost;
/** tcp.flags of each packet of a pcap, as tshark reads them. */
function tcpFlags(file: string): string[] {
  return execFileSync("tshark", ["-r", file, "-T", "fields", "-e", "tcp.flags"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .split("\n")
    .filter(Boolean);
}

test("a capture step joins the open window: tcpdump of the flow runs, journaled after the window's changes; collect fetches its pcap; revert stops it first and restores", async () => {
  const h = host();
  const before = logInvalid(h);
  const opened = await applyHost(h, req(300));
  const window = opened.window!;
  const joined = await applyHost(h, req(300, [flow()], window));
  assert.deepEqual(joined.changes, [{ knob: "flow", key: "flow:repro", from: "none", to: "running" }]);
  const pcap = join(windowDir(h, window), "flow-repro.pcap");
  assert.deepEqual(tcpdumps(h), [
    `tcpdump -n -i lo -w /var/lib/nfdebug/windows/${window}/flow-repro.pcap -U -s 256 -c 1000 -B 8192 -Z root tcp and host 127.0.0.1`,
  ]);
  // Joining again (the same step of a later run, or a retry) starts nothing new.
  const again = await applyHost(h, req(300, [flow()], window));
  assert.deepEqual(again.changes, []);
  assert.equal(tcpdumps(h).length, 1);

  await makeInvalid(asStored(h), "tcp-bad-flags", 3);
  // tcpdump on lo sees each locally sent segment once.
  await waitUntil(
    "3 packets in the flow's pcap",
    () => existsSync(pcap) && tcpFlags(pcap).length === 3,
    10_000,
  );
  assert.deepEqual(new Set(tcpFlags(pcap)), new Set(["0x0006"]), "SYN+RST");

  const chunks: Buffer[] = [];
  const collected = await collectHost(h, {
    sink: {
      record: () => true,
      capture(_host, stem, header, records) {
        assert.equal(stem, "flow-repro");
        if (chunks.length === 0) chunks.push(Buffer.from(header));
        chunks.push(Buffer.from(records));
      },
    },
  });
  assert.equal(collected.flows?.length, 1);
  assert.equal(collected.flows?.[0].name, "repro");
  assert.equal(collected.flows?.[0].running, true);
  assert.equal(collected.flows?.[0].packets, 3);
  assert.equal(collected.capture, undefined, "no NFLOG capture in this window");
  assert.deepEqual(Buffer.concat(chunks), readFileSync(pcap), "the host's file, byte for byte");

  const reverted = await revertHost(h, { force: false });
  assert.deepEqual(
    reverted.changes.map((c) => `${c.key} ${c.from}->${c.to}`),
    ["flow:repro running->none", "net.netfilter.nf_conntrack_log_invalid 6->0"],
  );
  assert.equal(logInvalid(h), before);
  assert.deepEqual(tcpdumps(h), [], "no tcpdump left");
  assert.deepEqual(journalLeft(h), []);
  assert.match(readFileSync(join(windowDir(h, window), "flow-repro.err"), "utf8"), /^3 packets captured$/m);
});

test("a window that expires with no controller stops its flow capture too", async () => {
  const h = host();
  const before = logInvalid(h);
  const opened = await applyHost(h, req(4));
  await applyHost(h, req(4, [flow()], opened.window!));
  assert.equal(tcpdumps(h).length, 1);
  await waitUntil("expiry", () => !existsSync(join(h.dir, "run", "nfdebug", "window")), 20_000);
  assert.equal(logInvalid(h), before);
  assert.deepEqual(tcpdumps(h), []);
});

test("a filter tcpdump refuses fails the step on that host, rolls back only the flow, and names the filter; the window stays as it was", async () => {
  const h = host();
  const opened = await applyHost(h, req(300));
  const window = opened.window!;
  // Shell syntax in a filter reaches tcpdump as one literal argument: no shell runs it.
  const marker = join(h.dir, "pwned");
  const filter = `tcp port eighty or $(touch ${marker}) or \`touch ${marker}\`; touch ${marker}`;
  await assert.rejects(applyHost(h, req(300, [flow({ filter })], window)), (err: HostError) => {
    assert.equal(err.kind, "remote");
    assert.match(err.message, /tcpdump refused the filter of flow repro/);
    return true;
  });
  assert.equal(existsSync(marker), false, "nothing of the filter ran");
  assert.deepEqual(tcpdumps(h), []);
  assert.equal(logInvalid(h), "6", "the window's own change stays");
  assert.equal(readFileSync(join(h.dir, "run", "nfdebug", "changes"), "utf8").includes("flow:"), false);
  await revertHost(h, { force: false });
  assert.equal(logInvalid(h), "0");
  assert.deepEqual(journalLeft(h), []);
});

test("an interface the host lacks: the step fails as unsupported, naming it; nothing of the flow is left", async () => {
  const h = host();
  const opened = await applyHost(h, req(300));
  await assert.rejects(
    applyHost(h, req(300, [flow({ interface: "nfdnosuch0" })], opened.window!)),
    (err: HostError) => {
      assert.equal(err.kind, "unsupported");
      assert.match(err.message, /interface nfdnosuch0 does not exist on this host/);
      return true;
    },
  );
  assert.deepEqual(tcpdumps(h), []);
  await revertHost(h, { force: false });
  assert.deepEqual(journalLeft(h), []);
});
