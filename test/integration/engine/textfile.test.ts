// The open window as node_exporter textfile metrics (textfile.sh), on network namespace hosts
// (each has its own /var/lib): nfdebug.prom appears with valid content where the directory
// exists, follows extend and collect, and is gone when the window ends; an unwritable directory
// is a warning, not a failed window.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyHost } from "../../../src/engine/apply.js";
import { revertHost } from "../../../src/engine/revert.js";
import { extendHost } from "../../../src/engine/extend.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { hostLibrary } from "../../../src/engine/host/scripts.js";
import { call } from "../../../src/shell/quote.js";
import { shippedFile } from "../../../src/shell/shipped.js";
import type { Profile } from "../../../src/profile/types.js";
import { NetnsShell } from "../../support/netnsShell.js";
import { parsePromText, type PromSample } from "../../support/promText.js";

const shells: NetnsShell[] = [];
after(() => shells.forEach((s) => s.destroy()));
/** A host with node_exporter's Debian textfile directory (or without, `collector: false`). */
function host(collector = true): { h: NetnsShell; dir: string } {
  const h = NetnsShell.create("nfdtf");
  shells.push(h);
  const dir = join(h.dir, "var-lib", "prometheus", "node-exporter");
  if (collector) mkdirSync(dir, { recursive: true });
  return { h, dir };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sysctl = (h: NetnsShell, key: string) => h.exec(["sysctl", "-n", key]).trim();
const tcp: Profile = { name: "tcp-invalid", logInvalid: 6 };
const req = (window: string, seconds = 60, textfileDir?: string | null) => ({
  profile: tcp,
  window,
  owner: "tester@ctl",
  windowSeconds: seconds,
  ...(textfileDir !== undefined ? { textfileDir } : {}),
});
const promtool = (() => {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** nfdebug.prom in DIR, checked against the text format (and by promtool where installed). */
function metrics(dir: string): Map<string, PromSample> {
  const file = join(dir, "nfdebug.prom");
  const text = readFileSync(file, "utf8");
  if (promtool)
    execFileSync("promtool", ["check", "metrics"], { input: text, stdio: ["pipe", "pipe", "pipe"] });
  assert.equal(statSync(file).mode & 0o777, 0o644, "readable by node_exporter's own user");
  assert.deepEqual(readdirSync(dir), ["nfdebug.prom"], "no temporary file left beside it");
  return new Map(parsePromText(text).map((s) => [s.name, s]));
}
const values = (m: Map<string, PromSample>) => Object.fromEntries([...m].map(([n, s]) => [n, s.value]));

test("while open nfdebug.prom shows the window; extend and collect update it; revert removes it", async () => {
  const { h, dir } = host();
  const id = "20261206T060000-b001";
  assert.equal((await applyHost(h, req(id))).changed, true);
  let m = metrics(dir);
  const expires = (await readFacts(h)).window!.expires;
  const labels = { window: id, profile: "tcp-invalid", owner: "tester@ctl" };
  for (const s of m.values()) assert.deepEqual(s.labels, labels, s.name);
  assert.deepEqual(values(m), {
    nfdebug_window_open: 1,
    nfdebug_window_start_timestamp_seconds: m.get("nfdebug_window_start_timestamp_seconds")!.value,
    nfdebug_window_expiry_timestamp_seconds: expires,
    nfdebug_window_tripped: 0,
    nfdebug_invalid_lines_total: 0,
    // The default log budget's sampler has counted nothing yet (its first sample comes later).
    nfdebug_kernel_log_lines_total: 0,
  });
  assert.ok(m.get("nfdebug_window_start_timestamp_seconds")!.value < expires);

  await extendHost(h, id, 600);
  m = metrics(dir);
  assert.equal(m.get("nfdebug_window_expiry_timestamp_seconds")!.value, (await readFacts(h)).window!.expires);
  assert.ok(m.get("nfdebug_window_expiry_timestamp_seconds")!.value > expires, "the new expiry");

  // A collect's acknowledgement adds the INVALID lines it read (the host side of collectHost).
  const collectSh = shippedFile(new URL("../../../src/engine/collect.sh", import.meta.url));
  for (const n of [7, 5])
    await h.runScript([hostLibrary(), collectSh, call("nfd_collected", id, "{}", n)].join("\n"));
  assert.equal(metrics(dir).get("nfdebug_invalid_lines_total")!.value, 12);

  await revertHost(h, { force: false });
  assert.deepEqual(readdirSync(dir), [], "removed when the window ends");
});

test("the dead-man's switch removes it at expiry; a host without the directory gets none", async () => {
  const { h, dir } = host();
  await applyHost(h, req("20261206T060000-b002", 1));
  assert.equal(metrics(dir).get("nfdebug_window_open")!.value, 1);
  for (let i = 0; i < 200 && existsSync(join(dir, "nfdebug.prom")); i++) await sleep(50);
  assert.deepEqual(readdirSync(dir), [], "gone after expiry");
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");

  const bare = host(false);
  assert.equal((await applyHost(bare.h, req("20261206T060000-b003"))).changed, true);
  assert.equal(existsSync(join(bare.h.dir, "var-lib", "prometheus")), false, "no directory made");
  await revertHost(bare.h, { force: false });
});

test("an unwritable directory is a warning on that host, and the window opens; none turns it off", async () => {
  const { h, dir } = host();
  // /proc exists and no one can create a file there, root included.
  const opened = await applyHost(h, req("20261206T060000-b004", 60, "/proc"));
  assert.equal(opened.ok && opened.changed, true);
  assert.deepEqual(
    opened.warnings?.filter((w) => w.includes("nfdebug.prom")),
    ["cannot write /proc/nfdebug.prom: node_exporter does not show this window"],
  );
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "6");
  assert.equal((await revertHost(h, { force: false })).changed, true);

  await applyHost(h, req("20261206T060000-b005", 60, null));
  assert.deepEqual(readdirSync(dir), [], "--textfile-dir none");
  await revertHost(h, { force: false });
});

test("a tripped window's file stays, saying so, until the next window replaces it", async () => {
  const { h, dir } = host();
  const id = "20261206T060000-b006";
  await applyHost(h, req(id));
  // revert.sh with HOW tripped, as the budget's sampler ends a window.
  const entry = shippedFile(new URL("../../../src/engine/host/entry.sh", import.meta.url));
  const tripped = await h.runScript(
    [hostLibrary(), entry, call("nfd_revert_window", "tripped", "0", id)].join("\n"),
  );
  assert.match(tripped.stdout, /@@revert\tdone\t/);
  const m = metrics(dir);
  assert.deepEqual(values(m), {
    nfdebug_window_open: 0,
    nfdebug_window_tripped: 1,
    nfdebug_invalid_lines_total: 0,
  });
  assert.equal(m.get("nfdebug_window_tripped")!.labels.window, id);
  await applyHost(h, req("20261206T060000-b007"));
  assert.deepEqual(
    [metrics(dir).get("nfdebug_window_open")!.labels.window, values(metrics(dir)).nfdebug_window_tripped],
    ["20261206T060000-b007", 0],
  );
  await revertHost(h, { force: false });
  assert.deepEqual(readdirSync(dir), []);
});

test("label values are escaped as the text format says (the host writes whatever its header holds)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-textfile-"));
  try {
    const script = [
      hostLibrary(),
      "P=$1 W_textfile=$1 W_id='a\"b\\c' W_profile='p\\\\n' W_owner=x W_started=1 W_expires=2",
      "nfd_textfile_write",
    ].join("\n");
    mkdirSync(join(dir, "textfiles"));
    writeFileSync(join(dir, "t.sh"), script);
    execFileSync("sh", [join(dir, "t.sh"), join(dir, "textfiles")]);
    const m = metrics(join(dir, "textfiles"));
    assert.deepEqual(m.get("nfdebug_window_open")!.labels, {
      window: 'a"b\\c',
      profile: "p\\\\n",
      owner: "x",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's alert rule fires once a window has been open for 2 h, not before (promtool test rules)", async (t) => {
  if (!promtool) return t.skip("promtool is not installed (Debian package prometheus)");
  const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
  const rules = /```yaml\n(groups:\n {2}- name: nfdebug\n[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(rules, "the README has the rule");
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-rules-"));
  try {
    writeFileSync(join(dir, "rules.yml"), rules);
    const labels = 'instance="h1",window="20261206T060000-b001",profile="tcp-invalid",owner="root@b"';
    // A window that opened at time 0: the series is the host's file, scraped every 10 minutes.
    writeFileSync(
      join(dir, "test.yml"),
      [
        "rule_files: [rules.yml]",
        "evaluation_interval: 1m",
        "tests:",
        "  - interval: 10m",
        "    input_series:",
        `      - series: 'nfdebug_window_start_timestamp_seconds{${labels}}'`,
        "        values: '0x20'",
        "    alert_rule_test:",
        "      - { eval_time: 1h59m, alertname: NfdebugInvalidLoggingOnTooLong, exp_alerts: [] }",
        "      - eval_time: 2h10m",
        "        alertname: NfdebugInvalidLoggingOnTooLong",
        "        exp_alerts:",
        "          - exp_labels: { severity: warning, instance: h1, window: 20261206T060000-b001, profile: tcp-invalid, owner: root@b }",
        "            exp_annotations:",
        '              summary: "conntrack INVALID logging on h1 for more than 2 h"',
        '              description: "nfdebug window 20261206T060000-b001 (profile tcp-invalid, owner root@b) has been open for 2h 10m 0s; it expires by itself at nfdebug_window_expiry_timestamp_seconds. nfdebug revert --window 20261206T060000-b001 ends it now."',
        "",
      ].join("\n"),
    );
    execFileSync("promtool", ["test", "rules", join(dir, "test.yml")], { stdio: "pipe" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
