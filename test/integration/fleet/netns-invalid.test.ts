// Every INVALID packet kind the fleet can make yields exactly the kernel lines and counter changes
// documented in test/fleet/netns/packets.ts (kernel 6.18 here). The logs helper relies on them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { INVALID_KINDS, reasonOfLine, startFleet, type Fleet } from "../../fleet/netns.js";

let fleet: Fleet;

before(async () => {
  fleet = await startFleet({ count: 2, allNetnsLogging: true });
  // Log every protocol in h001 only; h002 stays at the default 0 and must print nothing.
  await fleet.nsExec("h001", ["sysctl", "-q", "-w", "net.netfilter.nf_conntrack_log_invalid=255"]);
  for (const key of ["nf_conntrack_tcp_be_liberal", "nf_conntrack_checksum"]) {
    const value = (await fleet.nsExec("h001", ["sysctl", "-n", `net.netfilter.${key}`])).trim();
    assert.equal(value, key.endsWith("liberal") ? "0" : "1", `${key} has the kernel default`);
  }
});
after(() => fleet?.stop());

/** Kernel lines after a marker we write to /dev/kmsg. */
function kernelLinesAfter(marker: string): string[] {
  const lines = execFileSync("dmesg", { encoding: "utf8" }).split("\n");
  return lines.slice(lines.findIndex((l) => l.includes(marker)) + 1);
}

for (const kind of INVALID_KINDS) {
  test(`${kind}: the documented reason, line count and counter`, async () => {
    const count = 3;
    const marker = `nfdebug-fleet-invalid-${fleet.runId}-${kind}-${Date.now()}`;
    writeFileSync("/dev/kmsg", `${marker}\n`);
    const before = await fleet.conntrackStats("h001");
    const result = await fleet.makeInvalid("h001", kind, { count });
    const afterStats = await fleet.conntrackStats("h001");
    assert.equal(result.packets, count);
    assert.equal(
      afterStats[result.counter] - before[result.counter],
      result.counterPerPacket * count,
      result.counter,
    );
    if (result.counter === "icmp_error")
      assert.equal(afterStats.invalid, before.invalid, "ICMP errors are not 'invalid'");

    const ports = result.flows.map((f) => `SPT=${f.sport} DPT=${f.dport}`);
    const lines = kernelLinesAfter(marker)
      .filter((l) => l.includes(`nf_ct_proto_${result.l4proto}: `))
      .filter((l) => ports.length === 0 || ports.some((p) => l.includes(p)));
    assert.equal(lines.length, result.linesPerPacket * count, lines.join("\n"));
    for (const line of lines) {
      const parsed = reasonOfLine(line);
      assert.ok(parsed, line);
      assert.equal(parsed.l4proto, result.l4proto);
      assert.match(parsed.reason, result.reason);
      assert.match(line, /SRC=127\.0\.0\.1 DST=127\.0\.0\.1 /);
    }
    if (result.linesPerPacket === 2) {
      assert.equal(lines.filter((l) => / OUT=lo /.test(l)).length, count, "seen at OUTPUT");
      assert.equal(lines.filter((l) => / IN=lo /.test(l)).length, count, "seen at PREROUTING");
    } else {
      assert.ok(
        lines.every((l) => / IN=lo OUT= /.test(l)),
        "seen at PREROUTING only",
      );
    }
  });
}

test("a host with nf_conntrack_log_invalid=0 counts INVALID packets but prints nothing", async () => {
  const marker = `nfdebug-fleet-quiet-${fleet.runId}-${Date.now()}`;
  writeFileSync("/dev/kmsg", `${marker}\n`);
  const before = await fleet.conntrackStats("h002");
  const result = await fleet.makeInvalid("h002", "tcp-bad-flags");
  const afterStats = await fleet.conntrackStats("h002");
  assert.equal(afterStats.invalid - before.invalid, 2);
  const port = `SPT=${result.flows[0].sport} DPT=${result.flows[0].dport}`;
  assert.deepEqual(
    kernelLinesAfter(marker).filter((l) => l.includes(port)),
    [],
  );
});
