import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { detectSourcesScript, parseDetectSources } from "../../../../src/logs/sources/detect.js";
import { readParser, readScript, startPositionParser } from "../../../../src/logs/sources/reader.js";
import { feed, positionScript, runSh } from "./run-script.js";

test("this machine (root, kernel 6.18, no journald, no syslog daemon): kmsg first, then dmesg", () => {
  const d = parseDetectSources(runSh(detectSourcesScript()));
  assert.equal(d.bootId, readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
  assert.match(d.kernel ?? "", /^6\.18\./);
  assert.deepEqual(d.preferred, { kind: "kmsg", detail: "dd" });
  assert.ok(d.sources.some((s) => s.kind === "dmesg"));
  assert.ok(!d.sources.some((s) => s.kind === "journald"), "journalctl exists here, but no journald runs");
});

test("the preferred source's start and read snippets work end to end through the facade", () => {
  const d = parseDetectSources(runSh(detectSourcesScript()));
  assert.ok(d.preferred);
  const start = feed(startPositionParser(d.preferred), runSh(positionScript(d.preferred))).position;
  const after = feed(readParser(start), runSh(readScript(start)));
  assert.equal(after.position.source, start.source);
});

test("a Debian host with journald, kmsg, dmesg and kern.log: journald preferred", () => {
  const output = [
    "@@clock\t6b4c0e53-9222-48b3-9a27-932f5b6b689b\t1700000000\t100.5",
    "@@kernel\t6.1.0-27-amd64",
    "@@source\tdmesg",
    "@@source\tfile\t/var/log/kern.log",
    "@@source\tkmsg\ttimeout",
    "@@source\tjournald\t",
    "@@source\tsomething-new",
    "@@detected",
  ].join("\n");
  assert.deepEqual(parseDetectSources(output), {
    bootId: "6b4c0e53-9222-48b3-9a27-932f5b6b689b",
    kernel: "6.1.0-27-amd64",
    sources: [
      { kind: "journald", detail: null },
      { kind: "kmsg", detail: "timeout" },
      { kind: "dmesg", detail: null },
      { kind: "file", detail: "/var/log/kern.log" },
    ],
    preferred: { kind: "journald", detail: null },
  });
  assert.deepEqual(parseDetectSources("@@clock\t-\t1\t1\n@@kernel\t4.19.0\n@@detected\n").preferred, null);
  assert.throws(() => parseDetectSources("@@clock\t-\t1\t1\n@@source\tkmsg\tdd\n"), /incomplete/);
});
