// nfdebug on the Debian VM of $NFDEBUG_VM_RELEASE (bookworm: Debian 12, kernel 6.1; trixie: Debian
// 13, kernel 6.12; loadable modules, dynamic debug, systemd, journald), through the real CLI over
// real SSH, asserting each kernel's own truth where they differ: the VM parts of issues 4 (exact revert of modules, loggers
// and printk sites), 6 (collect through journald, printk records) and 5 (systemd timer windows,
// extend, reboot). Kernel state is read with plain commands over SSH (vm.run), never via nfdebug.
// One VM for the whole file; every test leaves it as it found it, the reboot tests come last (issue
// 15's capture one reboots too, then restores the conntrack ruleset before() loaded).
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bootVm,
  ensureImage,
  sendPackets,
  trackConntrack,
  type DebianVm,
  type VmRelease,
} from "../fleet/vm/index.js";
import { vmNfdebug, vmOk } from "./cli.js";

const SCTP = "net/netfilter/nf_conntrack_proto_sctp.c";
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const LOG_INVALID = "/proc/sys/net/netfilter/nf_conntrack_log_invalid";

let vm: DebianVm;
let dir: string;
let kernel: string;
let release: VmRelease;
/** The first SCTP printk site of this kernel's control file, and a line of that file that has none. */
let site: { line: number; func: string };
let missingLine: number;
let freshBoot: KernelState;

before(
  async () => {
    const image = await ensureImage();
    release = image.release;
    vm = await bootVm({ image });
    dir = mkdtempSync(join(tmpdir(), "nfd-vm-cli-"));
    kernel = (await vm.run("uname -r")).trim();
    freshBoot = await kernelState();
    // A host debugged for conntrack has conntrack in use: a ruleset with `ct state` loads nf_conntrack.
    await trackConntrack(vm);
    const sites = (await vm.run(`grep -F ${SCTP}: /proc/dynamic_debug/control`)).trim().split("\n");
    const m = /^\S+:(\d+) \[nf_conntrack\](\w+) =_ /.exec(sites[0]);
    assert.ok(m, `an unenabled SCTP site: ${sites[0]}`);
    site = { line: Number(m[1]), func: m[2] };
    const lines = new Set(sites.map((l) => Number(/:(\d+) /.exec(l)![1])));
    missingLine = site.line + 1;
    while (lines.has(missingLine)) missingLine++;
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await vm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (vm) assert.deepEqual(vm.leftovers(), [], "nothing of the VM is left");
});

// A failed test must not leave its window open for the next one.
afterEach(async () => {
  if (!vm || (await vm.ssh("test -f /run/nfdebug/window")).code !== 0) return;
  const run = await nfdebug(["revert", "--force"]);
  // The revert.sh installed with the window (its version is in the header).
  if (run.code !== 0)
    await vm.run("sh /run/nfdebug/s/$(sed -n 's/^scripts=//p' /run/nfdebug/window)/revert.sh reverted 1");
});

function profile(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `apiVersion: nfdebug/v1\nkind: DebugProfile\nname: ${name}\n${body}`);
  return file;
}

const sctpProfile = () =>
  profile(
    "sctp-deep-dive",
    `modules: [nf_log_ipv4]\nnf_log:\n  ipv4: nf_log_ipv4\nlog_invalid: sctp\nprintk:\n  - file: ${SCTP}\n    line: ${site.line}\n    func: ${site.func}\n    flags: p\n`,
  );
const tcpProfile = () => profile("tcp-invalid", "log_invalid: tcp\n");
/** The NFLOG backend (issue 15): tcpdump on nflog:0 for the window, the INVALID TCP packets in its pcap. */
const captureProfile = () =>
  profile(
    "tcp-invalid-capture",
    "log_invalid: tcp\nmodules: [nfnetlink_log]\nnf_log:\n  ipv4: nfnetlink_log\ncapture: {}\n",
  );

/**
 * What an SCTP INIT prints through a pr_debug site of each kernel: 6.1's do_basic_checks prints
 * each chunk; 6.12 has no site there any more (9 SCTP sites instead of 27), and its sctp_new
 * prints the vtag it sets for the new connection.
 */
const SCTP_INIT_PRINTK = {
  bookworm: { func: "do_basic_checks", line: /^Chunk Num: \d+ +Type: 1$/ },
  trixie: { func: "sctp_new", line: /^Setting vtag [0-9a-f]+ for new conn$/ },
} as const;

/** The CLI against the VM (test/vm/cli.ts). */
const nfdebug = (args: string[], inventory = vm.inventoryFile, extra: string[] = [], json = true) =>
  vmNfdebug(vm, args, inventory, extra, json);
/** Run a command that must succeed for the host; returns its one host result. */
const ok = (args: string[], inventory?: string, extra?: string[]) => vmOk(vm, args, inventory, extra);

interface KernelState {
  lsmod: string;
  nfLog: string;
  sysctl: string;
  sctpSites: string;
}

/** What nfdebug may change, as the kernel shows it (text compared exactly). */
async function kernelState(): Promise<KernelState> {
  const out = await vm.run(
    "lsmod; echo @@; cat /proc/net/netfilter/nf_log; echo @@; sysctl -a 2>/dev/null | grep -E '^net\\.netfilter\\.nf_(log|conntrack_log_invalid)' | sort; echo @@; grep -F nf_conntrack_proto_sctp /proc/dynamic_debug/control || true",
  );
  const [lsmod, nfLog, sysctl, sctpSites] = out.split("@@\n");
  return { lsmod, nfLog, sysctl, sctpSites };
}

/** The knob part of `nfdebug facts --json`: without the clock, the conntrack count and the history. */
async function factsSnapshot(): Promise<unknown> {
  const { host } = await ok(["facts"]);
  const facts = { ...(host.facts as Record<string, unknown>) };
  const sysctl = { ...(facts.sysctl as Record<string, string>) };
  delete sysctl.nf_conntrack_count; // the SSH sessions themselves are tracked
  // installedScripts: nfdebug's revert.sh/expire.sh stay in /run/nfdebug (tmpfs) for the next window.
  for (const key of ["now", "history", "installedScripts"]) delete facts[key];
  return { ...facts, sysctl };
}

async function assertNoWindow(why: string): Promise<void> {
  assert.equal((await vm.ssh("test -e /run/nfdebug/window")).code, 1, `${why}: no window file`);
}

/** TEXT as a regular expression that matches it literally (Debian 13's kernel release has a "+"). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(1000);
  }
}

/** `pgrep -a tcpdump` in the VM: pid and command line of each tcpdump. */
const tcpdumps = async () => {
  const run = await vm.ssh("pgrep -a tcpdump");
  assert.ok(run.code === 0 || run.code === 1, `pgrep: exit ${run.code}: ${run.stderr}`);
  return run.stdout.split("\n").filter(Boolean);
};

const nfdebugTimers = async () =>
  (await vm.run("systemctl list-timers --all --no-pager --plain --no-legend"))
    .split("\n")
    .flatMap((l) => /\b(nfdebug-\S+)\.timer\b/.exec(l)?.[1] ?? []);

test(
  "issue 4: modules, nf_log and a printk site are applied, a second apply changes nothing, revert restores lsmod, loggers and sites exactly",
  { timeout: 10 * 60_000 },
  async () => {
    const before = await kernelState();
    assert.match(before.lsmod, /^nf_conntrack /m, "conntrack is in use");
    assert.doesNotMatch(before.lsmod, /^nf_log_syslog /m);
    const factsBefore = await factsSnapshot();
    const file = sctpProfile();

    const { json, host } = await ok(["apply", file, "--for", "10m"]);
    assert.deepEqual(json.summary, { ok: 1, changed: 1, failed: 0 });
    const keys = host.changes.map((c) => `${c.knob} ${c.key} ${c.from}>${c.to}`);
    for (const wanted of [
      "modules nf_log_syslog absent>loaded",
      "log_invalid net.netfilter.nf_conntrack_log_invalid 0>132",
      `printk ${SCTP}:${site.line} ${site.func} _>p`,
      "nf_log net.netfilter.nf_log.2 NONE>nf_log_ipv4",
      "nf_log net.netfilter.nf_log.10 NONE>nf_log_ipv6", // loading nf_log_syslog binds it too
    ])
      assert.ok(keys.includes(wanted), `${wanted} in ${keys.join(", ")}`);
    assert.match(await vm.run("lsmod"), /^nf_log_syslog /m);
    assert.equal((await vm.run(`cat ${LOG_INVALID}`)).trim(), "132");
    assert.match(await vm.run("cat /proc/net/netfilter/nf_log"), /^ 2 nf_log_ipv4 \(nf_log_ipv4\)$/m);
    assert.match(
      await vm.run(`grep -F ${SCTP}:${site.line} /proc/dynamic_debug/control`),
      new RegExp(`\\]${site.func} =p `),
    );

    const second = await ok(["apply", file, "--for", "10m"]);
    assert.deepEqual(second.json.summary, { ok: 1, changed: 0, failed: 0 }, "a second apply changes nothing");
    assert.deepEqual(second.host.changes, []);

    const revert = await ok(["revert"]);
    assert.equal(revert.host.changed, true);
    assert.deepEqual(await kernelState(), before, "lsmod, nf_log and the SCTP sites are exactly as before");
    await assertNoWindow("after revert");
    assert.deepEqual(await factsSnapshot(), factsBefore, "facts after revert equal the facts before apply");
  },
);

test(
  "conntrack acct, timestamp and events: applied and reverted exactly (read with sysctl in the VM)",
  { timeout: 5 * 60_000 },
  async () => {
    const CT =
      "net.netfilter.nf_conntrack_acct net.netfilter.nf_conntrack_timestamp net.netfilter.nf_conntrack_events";
    const read = async () => (await vm.run(`sysctl -n ${CT}`)).trim().split("\n");
    const before = await read();
    assert.equal(before.length, 3);
    const wanted = before[2] === "0" ? "2" : "0";
    const file = profile(
      "ct-debug",
      `conntrack:\n  acct: ${before[0] === "0"}\n  timestamp: ${before[1] === "0"}\n  events: ${wanted}\n`,
    );
    const { host } = await ok(["apply", file, "--for", "10m"]);
    assert.deepEqual(
      host.changes.map((c) => `${c.knob} ${c.key}`),
      CT.split(" ").map((k) => `conntrack ${k}`),
    );
    const applied = await read();
    assert.deepEqual(applied, [before[0] === "0" ? "1" : "0", before[1] === "0" ? "1" : "0", wanted]);
    await ok(["revert"]);
    assert.deepEqual(await read(), before, "exactly the values read before");
    await assertNoWindow("after revert");
  },
);

test(
  "issue 4: a printk line this kernel lacks and an unregistered backend fail as unsupported, changing nothing",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const badLine = profile(
      "sctp-missing-line",
      `modules: [nf_log_ipv4]\nnf_log:\n  ipv4: nf_log_ipv4\nlog_invalid: sctp\nprintk:\n  - file: ${SCTP}\n    line: ${missingLine}\n    flags: p\n`,
    );
    const noBackend = profile("no-backend", "log_invalid: tcp\nnf_log:\n  ipv4: nf_log_ipv4\n");
    for (const [file, message] of [
      [
        badLine,
        new RegExp(
          `printk selector "file ${literal(SCTP)} line ${missingLine}" matches no dynamic-debug site on kernel ${literal(kernel)} \\(its sites on this kernel are at lines ${site.line}, `,
        ),
      ],
      [
        noBackend,
        /backend nf_log_ipv4 is not registered for ipv4 \(registered: none\); add nf_log_syslog to the profile's modules/,
      ],
    ] as const) {
      const run = await nfdebug(["apply", file]);
      assert.equal(run.code, 2, run.stderr);
      assert.deepEqual(run.json?.summary, { ok: 0, changed: 0, failed: 1 });
      const error = run.json!.hosts[0].error!;
      assert.equal(error.kind, "unsupported");
      assert.match(error.message, message);
      assert.deepEqual(await kernelState(), before, `${file}: nothing changed`);
      await assertNoWindow(file);
    }
  },
);

test(
  "issue 4: as nfdtest through sudo (the sudo inventory, then --user nfdtest --become)",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const { host } = await ok(["apply", sctpProfile(), "--for", "10m"], vm.sudoInventoryFile);
    assert.equal(host.host, "debvm-sudo");
    assert.equal(host.changed, true);
    assert.equal((await vm.run(`cat ${LOG_INVALID}`)).trim(), "132");
    assert.match(await vm.run("stat -c %U /run/nfdebug/window"), /^root$/m, "the journal is root's");
    const revert = await ok(["revert"], vm.inventoryFile, ["--user", "nfdtest", "--become"]);
    assert.equal(revert.host.changed, true);
    assert.deepEqual(await kernelState(), before);
    await assertNoWindow("after revert through sudo");
  },
);

test(
  "issue 6: collect through journald finds the INVALID TCP lines and the SCTP printk lines, once",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const sctpInit = SCTP_INIT_PRINTK[release];
    const file = profile(
      "tcp-and-sctp-printk",
      `modules: [nf_log_ipv4]\nnf_log:\n  ipv4: nf_log_ipv4\nlog_invalid: tcp\nprintk:\n  - file: ${SCTP}\n    func: ${sctpInit.func}\n    flags: p\n`,
    );
    const { json } = await ok(["apply", file, "--for", "10m"]);
    const window = json.window;
    const cursor = /^-- cursor: (\S+)$/m.exec(await vm.run("journalctl -k -n 0 --show-cursor"))![1];
    const [tcp] = await sendPackets(vm, "tcp-bad-flags", 1);
    await sendPackets(vm, "sctp-init", 1);
    // journald takes the lines from the kernel asynchronously: wait until it has them all.
    await waitFor(
      "journald to hold the INVALID and pr_debug lines",
      async () => {
        const out = await vm.run(`journalctl -k -o cat --after-cursor='${cursor}'`);
        return (
          (out.match(/^nf_ct_proto_6: invalid tcp flag combination/gm) ?? []).length === 2 &&
          out.split("\n").some((l) => sctpInit.line.test(l))
        );
      },
      60_000,
    );

    const out1 = join(dir, "collect-1");
    const first = await ok(["collect", "--out", out1]);
    assert.equal(first.host.source, "journald");
    assert.equal(first.host.window, window);
    const records = readFileSync(join(out1, "records.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(first.host.records, records.length);
    const invalid = records.filter((r) => r.reason_id === "tcp.invalid_flags");
    assert.equal(invalid.length, 2, "judged at OUTPUT and at PREROUTING");
    for (const r of invalid) {
      assert.deepEqual(
        [r.kind, r.host, r.l4proto, r.src, r.dst, r.sport, r.dport],
        ["invalid", "debvm", 6, tcp.src, tcp.dst, tcp.sport, tcp.dport],
      );
      assert.deepEqual(r.flags, ["RST", "SYN"]);
    }
    const printk = records.filter((r) => r.kind === "printk");
    assert.ok(printk.length >= 1, "a record of the SCTP printk site");
    for (const r of printk) {
      const origin = r.printk as { file: string; func: string; module: string };
      assert.deepEqual([origin.file, origin.func, origin.module], [SCTP, sctpInit.func, "nf_conntrack"]);
    }
    assert.ok(
      printk.some((r) => sctpInit.line.test(r.raw as string)),
      `the INIT's line ${sctpInit.line} among ${printk.map((r) => r.raw).join(" | ")}`,
    );

    const out2 = join(dir, "collect-2");
    const second = await ok(["collect", "--out", out2]);
    assert.equal(second.host.records, 0, "a second collect returns nothing new");
    assert.equal(readFileSync(join(out2, "records.jsonl"), "utf8"), "");

    await ok(["revert"]);
    assert.deepEqual(await kernelState(), before);
  },
);

test("dynamic debug on this kernel: 27 SCTP sites on 6.1, 9 on 6.12; no class: suffix on any site", async () => {
  const control = await vm.run("cat /proc/dynamic_debug/control");
  const sctp = control.split("\n").filter((l) => l.startsWith(`${SCTP}:`));
  assert.equal(sctp.length, { bookworm: 27, trixie: 9 }[release], sctp.join("\n"));
  assert.equal(
    sctp.some((l) => /\]do_basic_checks =/.test(l)),
    release === "bookworm",
    "do_basic_checks has sites on 6.1 only",
  );
  assert.doesNotMatch(control, / class:\S+$/m);
});

test(
  "printk flag s: refused at plan time on 6.1 (it came with 6.6), applied and reverted exactly on 6.12",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const file = profile(
      "sctp-source-names",
      `printk:\n  - file: ${SCTP}\n    line: ${site.line}\n    flags: ps\n`,
    );
    if (release === "bookworm") {
      // What the kernel itself says to the flag: the whole write fails.
      const raw = await vm.ssh(`echo 'file ${SCTP} line ${site.line} +s' > /proc/dynamic_debug/control`);
      assert.notEqual(raw.code, 0, "6.1 rejects +s");
      assert.match(raw.stderr, /Invalid argument/);
      const plan = await nfdebug(["plan", file]);
      assert.equal(plan.code, 2, plan.stdout);
      const error = plan.json!.hosts[0].error!;
      assert.equal(error.kind, "unsupported");
      assert.match(
        error.message,
        new RegExp(`printk flag "s" .* needs kernel 6\\.6 or later; kernel ${literal(kernel)} rejects it`),
      );
      const apply = await nfdebug(["apply", file]);
      assert.equal(apply.code, 2, apply.stdout);
      await assertNoWindow("a refused apply");
    } else {
      const { host } = await ok(["apply", file, "--for", "10m"]);
      assert.deepEqual(
        host.changes.map((c) => `${c.knob} ${c.key} ${c.from}>${c.to}`),
        [`printk ${SCTP}:${site.line} ${site.func} _>ps`],
      );
      assert.match(
        await vm.run(`grep -F ${SCTP}:${site.line} /proc/dynamic_debug/control`),
        new RegExp(`\\]${site.func} =ps `),
      );
      await ok(["revert"]);
      await assertNoWindow("after revert");
    }
    assert.deepEqual(await kernelState(), before, "the SCTP sites exactly as before");
  },
);

test(
  "log_invalid alone loads no logger on 6.1 and 6.12 (6.17+ autoloads nf_log_syslog); revert restores it",
  { timeout: 5 * 60_000 },
  async () => {
    const before = await kernelState();
    assert.doesNotMatch(before.lsmod, /^nf_log_syslog /m);
    const { host } = await ok(["apply", tcpProfile(), "--for", "10m"]);
    assert.deepEqual(
      host.changes.map((c) => `${c.knob} ${c.key} ${c.from}>${c.to}`),
      ["log_invalid net.netfilter.nf_conntrack_log_invalid 0>6"],
    );
    assert.doesNotMatch(await vm.run("lsmod"), /^nf_log_syslog /m, "no request_module on this kernel");
    assert.equal(await vm.run("cat /proc/net/netfilter/nf_log"), before.nfLog);
    await ok(["revert"]);
    assert.deepEqual(await kernelState(), before);
  },
);

test(
  "issue 21: the shipped printk-deep-dive runbook runs on this kernel: its SCTP printk site, 3 bad CRCs, state restored",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const sctpInit = SCTP_INIT_PRINTK[release];
    const out = join(dir, "printk-deep-dive");
    const run = await nfdebug([
      "run",
      join(REPO, "playbooks", "runbooks", "printk-deep-dive.yaml"),
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const records = readFileSync(join(out, "records.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The profile selects do_basic_checks or sctp_new: each kernel enables the one it has.
    const printk = records.filter((r) => r.kind === "printk");
    assert.ok(
      printk.some(
        (r) => (r.printk as { func: string }).func === sctpInit.func && sctpInit.line.test(r.raw as string),
      ),
      `a ${sctpInit.func} line ${sctpInit.line} among ${printk.map((r) => r.raw).join(" | ")}`,
    );
    assert.equal(records.filter((r) => r.reason_id === "sctp.bad_crc").length, 3, "one per bad CRC32c INIT");
    assert.deepEqual(await kernelState(), before);
  },
);

/** node_exporter's /metrics in the VM (Debian's prometheus-node-exporter, on 127.0.0.1:9100 there). */
const nodeExporterMetrics = () =>
  vm.run(
    `python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=20).read().decode())'`,
  );
/** This window's lines in the VM's journal under the tag nfdebug, as `journalctl -o cat` prints them. */
const journalEvents = async (window: string) =>
  (await vm.run("journalctl -t nfdebug --no-pager -o cat"))
    .split("\n")
    .filter((l) => l.startsWith(`window ${window} `));

test(
  "issue 17: journald shows each window event, node_exporter serves the open window's metrics (promtool accepts them) and none after revert",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    assert.equal(
      (await vm.run("systemctl is-active prometheus-node-exporter")).trim(),
      "active",
      "Debian's node_exporter runs in the VM",
    );
    const { json, host } = await ok(["apply", tcpProfile(), "--for", "10m"]);
    const window = json.window!;
    assert.equal(host.changed, true);
    await ok(["extend", "--window", window, "--for", "20m"]);

    const prom = await vm.run("cat /var/lib/prometheus/node-exporter/nfdebug.prom");
    execFileSync("promtool", ["check", "metrics"], { input: prom, stdio: ["pipe", "pipe", "pipe"] });
    const metrics = await nodeExporterMetrics();
    // node_exporter prints the labels sorted by name.
    const labels = new RegExp(
      `^nfdebug_window_open\\{(?=[^}]*window="${window}")(?=[^}]*profile="tcp-invalid")[^}]*\\} 1$`,
      "m",
    );
    assert.match(metrics, labels, "node_exporter serves the window as open");
    assert.match(metrics, /^nfdebug_window_expiry_timestamp_seconds\{[^}]*\} \d/m);
    assert.match(metrics, /^node_textfile_scrape_error 0$/m, "the collector read the file without error");

    await ok(["revert"]);
    assert.deepEqual(await kernelState(), before, "reverted exactly");
    assert.doesNotMatch(await nodeExporterMetrics(), /^nfdebug_window_open/m, "nothing after the window");
    assert.equal((await vm.ssh("test -e /var/lib/prometheus/node-exporter/nfdebug.prom")).code, 1);

    const events = await journalEvents(window);
    assert.deepEqual(
      events.map((l) => /^window \S+ (\S+):/.exec(l)?.[1]),
      ["open", "extend", "reverted"],
      events.join("\n"),
    );
    assert.match(events[0]!, /profile=tcp-invalid owner=\S+ .*knobs=.*nf_conntrack_log_invalid/);
  },
);

test(
  "issue 17: a flood trips the budget of a systemd window: its budget service reverts it, journald and node_exporter say tripped",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const file = profile(
      "budget-low",
      "modules: [nf_log_ipv4]\nnf_log:\n  ipv4: nf_log_ipv4\nlog_invalid: tcp\nbudget:\n  max_rate: 20/s\n  interval: 2s\n",
    );
    const { json, host } = await ok(["apply", file, "--for", "10m"]);
    const window = json.window!;
    assert.equal(host.timer, "systemd");
    await waitFor(
      "the budget service beside the timer",
      async () => (await vm.ssh(`systemctl is-active nfdebug-${window}-budget.service`)).code === 0,
      60_000,
    );
    // Logged through nf_log_ipv4 (log_invalid alone binds no logger before 6.17), 2 lines per
    // packet, sent in a few seconds: far above 20 lines/s.
    await sendPackets(vm, "tcp-bad-flags", 400);
    await waitFor(
      "the host to revert the window",
      async () => (await vm.ssh("test -e /run/nfdebug/window")).code === 1,
      120_000,
    );
    assert.deepEqual(await kernelState(), before, "every knob as before the window");
    await waitFor(
      "no nfdebug timer or service left",
      async () => {
        const units = await vm.run("systemctl list-units --all --no-pager --plain --no-legend 'nfdebug-*'");
        return units.trim() === "";
      },
      30_000,
    );

    const status = await vmNfdebug(vm, ["status"], vm.inventoryFile, [], false);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      new RegExp(
        // A rate over the limit, or a flood that overran the sampler's reader before it sampled.
        `last ${window}: window tripped its budget on \\S+ at \\d\\d:\\d\\d:\\d\\d: (?:[\\d,]+ lines/s > 20/s|its sampler's kernel log reader stopped)`,
      ),
    );
    const events = await journalEvents(window);
    assert.deepEqual(
      events.map((l) => /^window \S+ (\S+):/.exec(l)?.[1]),
      ["open", "tripped"],
      events.join("\n"),
    );
    const metrics = await nodeExporterMetrics();
    assert.match(metrics, new RegExp(`^nfdebug_window_tripped\\{[^}]*window="${window}"[^}]*\\} 1$`, "m"));
    assert.match(metrics, new RegExp(`^nfdebug_window_open\\{[^}]*window="${window}"[^}]*\\} 0$`, "m"));
    // The tripped file stays until the next window replaces it; leave the VM as found.
    await vm.run("rm -f /var/lib/prometheus/node-exporter/nfdebug.prom");
  },
);

test(
  "issue 5: a systemd timer window, extended once, survives its first expiry and reverts itself at the second",
  { timeout: 10 * 60_000 },
  async (t) => {
    const before = await kernelState();
    assert.deepEqual(await nfdebugTimers(), []);
    // Long enough to outlast the apply itself on a loaded machine (a TCG guest: up to ~45 s seen).
    const started = Date.now();
    const first = await ok(["apply", tcpProfile(), "--for", "45s"]);
    t.diagnostic(`apply took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const window = first.json.window!;
    assert.equal(first.host.timer, "systemd");
    const firstExpiry = Date.parse(first.host.expires as string);
    assert.deepEqual(
      await nfdebugTimers(),
      [`nfdebug-${window}`],
      "the timer is listed while the window is open",
    );
    assert.equal((await vm.run(`cat ${LOG_INVALID}`)).trim(), "6");

    const extended = await ok(["extend", "--window", window, "--for", "60s"]);
    assert.equal(extended.host.changed, true);
    const secondExpiry = Date.parse(extended.host.expires as string);
    assert.ok(secondExpiry >= firstExpiry + 15_000, "the expiry moved later, past the first one");
    const replaced = new RegExp(`^nfdebug-${window}-\\d+$`);
    let timers: string[] = [];
    await waitFor(
      "the timer to be replaced",
      async () => {
        timers = await nfdebugTimers();
        return timers.length === 1 && replaced.test(timers[0]);
      },
      20_000,
    ).catch((err: Error) => assert.fail(`${err.message}: ${timers.join(", ")}`));

    // The host clock is the VM's; the expiries are in it. Wait past the first one (timer accuracy 1 s).
    const vmNow = async () => Number((await vm.run("date +%s")).trim()) * 1000;
    await waitFor("the first expiry to pass", async () => (await vmNow()) > firstExpiry + 5000, 120_000);
    assert.equal((await vm.run(`cat ${LOG_INVALID}`)).trim(), "6", "the window survived its first expiry");
    assert.equal((await vm.ssh("test -f /run/nfdebug/window")).code, 0);

    await waitFor(
      "the timer to revert the window",
      async () =>
        (await vm.run(`cat ${LOG_INVALID}`)).trim() === "0" &&
        (await vm.ssh("test -e /run/nfdebug/window")).code === 1,
      secondExpiry - (await vmNow()) + 60_000,
    );
    assert.ok((await vmNow()) >= secondExpiry - 2000, "not before the extended expiry");
    await waitFor("the transient timer to be gone", async () => (await nfdebugTimers()).length === 0, 30_000);
    assert.deepEqual(await kernelState(), before);

    const status = await ok(["status"]);
    assert.equal(status.host.window, null);
    assert.deepEqual(status.host.last && { ...(status.host.last as object), ended: undefined }, {
      id: window,
      how: "expired",
      ended: undefined,
    });
  },
);

test(
  "issue 15: a reboot mid-window leaves no capture running; the pcap stays for collect, and a later window captures again",
  { timeout: 15 * 60_000 },
  async (t) => {
    const file = captureProfile();
    const { json, host } = await ok(["apply", file, "--for", "10m"]);
    const window = json.window!;
    assert.ok(
      host.changes.some((c) => c.knob === "capture" && c.key === "nflog:0" && c.to === "running"),
      JSON.stringify(host.changes),
    );
    const pcap = `/var/lib/nfdebug/windows/${window}/capture.pcap`;
    const running = await tcpdumps();
    assert.equal(running.length, 1, running.join("\n"));
    assert.ok(running[0].includes(`-i nflog:0 -w ${pcap} `), running[0]);
    // Its own scope unit, out of the SSH session's (logind's KillUserProcesses ends those at logout).
    const pid = running[0].split(" ")[0];
    assert.match(
      await vm.run(`cat /proc/${pid}/cgroup`),
      new RegExp(`^0::/system\\.slice/nfdebug-${window}-capture\\.scope$`, "m"),
    );
    // Two TCP packets with bad flags, each judged INVALID leaving and arriving on lo: 4 in the pcap.
    await sendPackets(vm, "tcp-bad-flags", 2);

    const oldBoot = await vm.bootId();
    await vm.reboot();
    assert.notEqual(await vm.bootId(), oldBoot);
    assert.deepEqual(await tcpdumps(), [], "no tcpdump after the reboot");
    const now = await kernelState();
    assert.equal(now.nfLog, freshBoot.nfLog, "nf_log bindings at their boot defaults");
    const bootDefault = /^net\.netfilter\.nf_log\.2 = (.*)$/m.exec(freshBoot.sysctl);
    assert.ok(bootDefault, freshBoot.sysctl);
    assert.equal(
      (await vm.run("cat /proc/sys/net/netfilter/nf_log/2")).trim(),
      bootDefault[1],
      "nf_log.2 at boot default",
    );
    assert.equal((await vm.ssh("test -e /run/nfdebug")).code, 1, "/run/nfdebug is gone with the old boot");
    const status = await ok(["status"]);
    assert.equal(status.host.window, null);
    assert.deepEqual(status.host.last, { id: window, ended: "at reboot", how: "reboot" });
    // The pcap is on /var/lib (kept until collected), with the packets written before the reboot.
    const size = Number((await vm.run(`stat -c %s ${pcap}`)).trim());
    assert.ok(size > 24, `${pcap} holds more than its header: ${size} bytes`);

    // Conntrack in use again (the ruleset went with the boot), as the file's before() left it.
    await trackConntrack(vm);
    const out = join(dir, "collect-after-reboot");
    const collected = await ok(["collect", "--window", window, "--out", out]);
    t.diagnostic(`collect after the reboot: ${JSON.stringify(collected.host.capture)}`);
    const capture = collected.host.capture as Record<string, unknown>;
    // The shutdown stopped tcpdump with SIGTERM: it closed the pcap and printed its counters.
    assert.deepEqual(capture, {
      backend: "nfnetlink_log",
      running: false,
      bytes: size,
      collected_bytes: size,
      packet_limit: capture.packet_limit,
      tcpdump: { captured: 4, received: 4, dropped_by_kernel: 0 },
      cut_by_bounds: false,
      records: 4,
    });
    const local = readFileSync(join(out, "pcap", `${vm.host.name}.pcap`));
    const remote = (await vm.run(`sha256sum < ${pcap}`)).split(" ")[0];
    assert.equal(createHash("sha256").update(local).digest("hex"), remote, "the bundle's pcap is the host's");

    // A later window of the same profile captures again, and its revert restores this boot's state.
    const before = await kernelState();
    const again = await ok(["apply", file, "--for", "10m"]);
    const next = `/var/lib/nfdebug/windows/${again.json.window!}/capture.pcap`;
    assert.ok(
      (await tcpdumps()).some((l) => l.includes(`-w ${next} `)),
      "tcpdump runs for the new window",
    );
    await ok(["revert"]);
    assert.deepEqual(await tcpdumps(), [], "no tcpdump after the revert");
    assert.deepEqual(await kernelState(), before);
  },
);

test(
  "issue 5: a reboot ends the window: boot defaults, no timer, no journal, nothing written after boot",
  { timeout: 10 * 60_000 },
  async () => {
    const oldBoot = await vm.bootId();
    const { json } = await ok(["apply", sctpProfile(), "--for", "10m"]);
    const window = json.window!;
    assert.deepEqual(await nfdebugTimers(), [`nfdebug-${window}`]);
    await vm.reboot();
    assert.notEqual(await vm.bootId(), oldBoot);

    // Boot defaults: no ruleset, so no conntrack; no loggers; nothing of the window.
    const now = await kernelState();
    assert.equal(now.nfLog, freshBoot.nfLog);
    assert.equal(now.sysctl, freshBoot.sysctl);
    assert.equal(now.sctpSites, "");
    const netfilterModules = (s: KernelState) =>
      s.lsmod
        .split("\n")
        .flatMap((l) => /^(nf\w*|nft\w*|x_tables|ip_tables)\s/.exec(l)?.[1] ?? [])
        .sort();
    assert.deepEqual(netfilterModules(now), netfilterModules(freshBoot));
    assert.deepEqual(await nfdebugTimers(), []);
    assert.equal((await vm.ssh("test -e /run/nfdebug")).code, 1, "/run/nfdebug is gone with the old boot");

    const history = () => vm.run("cat /var/lib/nfdebug/windows.log");
    const logged = await history();
    assert.match(logged, new RegExp(`^opened\\t${window}\\t\\d+\\t${oldBoot}\\t`, "m"));
    assert.doesNotMatch(logged, new RegExp(`^closed\\t${window}\\t`, "m"), "no revert was attempted");

    const status = await ok(["status"]);
    assert.equal(status.host.window, null);
    assert.deepEqual(status.host.last, { id: window, ended: "at reboot", how: "reboot" });
    const text = await nfdebug(["status"], vm.inventoryFile, [], false);
    assert.match(text.stdout, new RegExp(`^debvm: no open window; last ${window} ended by reboot`, "m"));

    // Reading the status wrote nothing: no file of nfdebug's is newer than this boot.
    assert.equal(await history(), logged);
    const written = await vm.run(
      "btime=$(awk '/^btime/ { print $2 }' /proc/stat); find /var/lib/nfdebug /run -path /run/systemd -prune -o -newermt \"@$btime\" -path '*nfdebug*' -print",
    );
    assert.equal(written.trim(), "", "nothing of nfdebug's was written after boot");
  },
);
