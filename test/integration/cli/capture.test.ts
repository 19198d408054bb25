// The NFLOG capture through the real CLI over real SSH (namespace hosts, kernel 6.18): the shipped
// runbook tcp-invalid-pcap, whose profile binds nfnetlink_log with a capture. Real SYN+RST packets; per host the bundle's
// pcap holds as many packets as the host's INVALID counter rose (loopback's doubling measured, not
// assumed), each with its reason as tshark reads it; afterwards the kernel values, the processes
// and /run/nfdebug of every host are as before (read inside the hosts, not through nfdebug).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import {
  fleetArgs,
  fleetValues,
  hostProcesses,
  journalLeftovers,
  revertOpenWindows,
  stopFleet,
  writeProfile,
  type KnobValues,
} from "./fleetProbe.js";

const schema = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../../schemas/result.schema.json", import.meta.url)), "utf8"),
);
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false }).compile(schema);

let fleet: Fleet;
let dir: string;
let original: Map<string, KnobValues>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-capture-"));
  fleet = await startFleet({ count: 2 });
  original = await fleetValues(fleet);
});
after(async () => {
  if (fleet) await revertOpenWindows(fleet);
  await stopFleet(fleet, dir);
});

const tcpdumps = () =>
  fleet.hosts.flatMap((h) =>
    hostProcesses(h)
      .filter((c) => c.startsWith("tcpdump "))
      .map((c) => `${h.name}: ${c}`),
  );

test("run of the shipped tcp-invalid-pcap runbook: each host's pcap in the bundle holds its INVALID packets with their reason; every host as before afterwards", async () => {
  const runbook = "playbooks/runbooks/tcp-invalid-pcap.yaml";
  const out = join(dir, "bundle");
  const before = new Map(
    await Promise.all(fleet.hosts.map(async (h) => [h.name, await fleet.conntrackStats(h)] as const)),
  );
  const run = await runCli(["run", runbook, "--out", out, ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
    hosts: {
      name: string;
      capture?: { captured?: number; droppedByKernel?: number; cutByBounds: boolean; pcap?: string };
    }[];
  };
  for (const h of fleet.hosts) {
    const invalid = (await fleet.conntrackStats(h)).invalid - before.get(h.name)!.invalid;
    assert.equal(invalid, 10, `${h.name}: 5 segments, judged leaving and arriving`);
    const pcap = join(out, "pcap", `${h.name}.pcap`);
    const prefixes = execFileSync("tshark", ["-r", pcap, "-T", "fields", "-e", "nflog.prefix"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
      .split("\n")
      .filter(Boolean);
    assert.equal(prefixes.length, invalid, `${h.name}: the pcap holds every INVALID packet`);
    assert.deepEqual(new Set(prefixes), new Set(["nf_ct_proto_6: invalid tcp flag combination "]));
    const capture = manifest.hosts.find((m) => m.name === h.name)?.capture;
    assert.deepEqual(capture, {
      backend: "nfnetlink_log",
      captured: invalid,
      droppedByKernel: 0,
      cutByBounds: false,
      bytes: readFileSync(pcap).length,
      pcap: `pcap/${h.name}.pcap`,
      inFile: invalid,
    });
  }
  const summary = readFileSync(join(out, "summary.md"), "utf8");
  assert.match(summary, /^## NFLOG capture$/m);
  // Each captured packet is a record (source "nflog"), so the report counts reasons as the
  // log-backed runbook does.
  assert.match(summary, /\*\*Verdict:\*\* 20 TCP packets were INVALID/);
  const records = readFileSync(join(out, "records.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { host: string; source?: string; reason_id: string });
  for (const h of fleet.hosts) {
    const mine = records.filter((r) => r.host === h.name);
    assert.equal(mine.length, 10, `${h.name}: one record per captured packet`);
    assert.ok(mine.every((r) => r.source === "nflog" && r.reason_id === "tcp.invalid_flags"));
  }
  assert.match(readFileSync(join(out, "report.html"), "utf8"), /<a href="pcap\/h001\.pcap">/);

  // The capture step: tcpdump of the flow on lo, its pcap beside the NFLOG one, linked by the
  // connections both name (on lo tcpdump sees each segment once; conntrack judged it twice).
  for (const h of fleet.hosts) {
    const pcap = join(out, "pcap", `${h.name}.flow-repro.pcap`);
    const flags = execFileSync(
      "tshark",
      ["-r", pcap, "-T", "fields", "-e", "tcp.flags", "-e", "tcp.dstport"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    )
      .split("\n")
      .filter(Boolean);
    assert.deepEqual(flags, Array(5).fill("0x0006\t8080"), `${h.name}: the 5 SYN+RST segments of the flow`);
    const flows = (manifest.hosts.find((m) => m.name === h.name) as { flows?: unknown[] }).flows;
    assert.deepEqual(flows, [
      {
        name: "repro",
        interface: "lo",
        filter: "tcp port 8080",
        captured: 5,
        droppedByKernel: 0,
        cutByBounds: false,
        inFile: 5,
        pcap: `pcap/${h.name}.flow-repro.pcap`,
        invalid: 10,
        invalidInFlow: 10,
      },
    ]);
  }
  assert.match(summary, /^## Flow captures$/m);
  assert.match(
    summary,
    /^\| `h001` \| repro \| `lo` \| `tcp port 8080` \| 5 \| 5 \| 0 \| no \| 10 of 10 \| `pcap\/h001\.flow-repro\.pcap` \|$/m,
  );
  assert.match(readFileSync(join(out, "report.html"), "utf8"), /<a href="pcap\/h001\.flow-repro\.pcap">/);

  // Kernel truth after the run.
  assert.deepEqual(await fleetValues(fleet), original, "nf_log.N and log_invalid as before");
  assert.deepEqual(tcpdumps(), [], "no tcpdump left on any host");
  for (const h of fleet.hosts) assert.deepEqual(journalLeftovers(h), [], `${h.name}: /run/nfdebug as before`);
});

test("validate refuses nfnetlink_log without a capture, saying the packets would be dropped", async () => {
  const file = writeProfile(dir, "nflog-alone", "nf_log:\n  ipv4: nfnetlink_log\n");
  const run = await runCli(["validate", file], { json: false });
  assert.notEqual(run.code, 0);
  assert.match(
    run.stderr + run.stdout,
    /nflog-alone\.yaml:5:9: nf_log\.ipv4: .*the packets would be dropped silently/,
  );
});

test("apply, collect and revert --json with a capture match the result schema; collect names the backend and tcpdump's counters", async () => {
  const file = writeProfile(
    dir,
    "json-capture",
    "log_invalid: tcp\nnf_log: { ipv4: nfnetlink_log }\ncapture: { max_packets: 50 }\n",
  );
  const json = async (...args: string[]) => {
    const run = await runCli([...args, ...fleetArgs(fleet)]);
    assert.equal(run.code, 0, `${args[0]}: ${run.stderr}`);
    assert.ok(validate(run.json), `${args[0]}: ${JSON.stringify(validate.errors, null, 2)}`);
    return run.json!;
  };
  const applied = await json("apply", file, "--for", "5m");
  assert.deepEqual(
    applied.hosts[0].changes.find((c) => c.knob === "capture"),
    { knob: "capture", key: "nflog:0", from: "none", to: "running" },
  );
  await fleet.makeInvalid("h001", "tcp-bad-flags", { count: 2 });
  await json("revert");
  const collected = await json("collect", "--window", applied.window!);
  const h001 = collected.hosts.find((h) => h.host === "h001")!;
  assert.deepEqual(
    { ...(h001.capture as Record<string, unknown>), bytes: 0, collected_bytes: 0 },
    {
      backend: "nfnetlink_log",
      running: false,
      bytes: 0,
      collected_bytes: 0,
      packet_limit: 50,
      tcpdump: { captured: 4, received: 4, dropped_by_kernel: 0 },
      cut_by_bounds: false,
      records: 4,
    },
  );
  assert.deepEqual(tcpdumps(), []);
});
