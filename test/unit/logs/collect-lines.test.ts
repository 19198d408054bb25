import { test } from "node:test";
import assert from "node:assert/strict";
import { collectLines } from "../../../src/logs/collect-lines.js";
import type { FullRecord } from "../../../src/logs/parse.js";
import { createKernelMessageClassifier } from "../../../src/logs/printk.js";
import { KmsgOutputParser } from "../../../src/logs/sources/kmsg.js";
import type { SourceItem } from "../../../src/logs/sources/types.js";
import { corpus } from "./corpus.js";

const boot = "6b4c0e53-9222-48b3-9a27-932f5b6b689b";
const site = {
  file: "net/netfilter/nf_conntrack_proto_sctp.c",
  line: 164,
  module: "nf_conntrack",
  func: "do_basic_checks",
  flags: "p",
  format: "Chunk Num: %d  Type: %d\\n",
};

test("a read's stdout becomes records one line at a time: INVALID and printk lines, nothing else", () => {
  const invalid = corpus("kernel-6.18.txt")[0].message;
  const output = [
    `@@clock\t${boot}\t1700000000\t100`,
    "@@first\t10",
    `@@R\t5,11,90000000,-;${invalid}`,
    " SUBSYSTEM=net",
    `@@R\t13,12,90000100,-;${invalid}`,
    "@@R\t7,13,90000200,-;Chunk Num: 0  Type: 1",
    "@@R\t6,14,90000300,-;e1000e: eth0 NIC Link is Up",
    "@@pos\t14",
  ];
  const records: FullRecord[] = [];
  const messages: SourceItem[] = [];
  const collector = collectLines(new KmsgOutputParser({ source: "kmsg", boot_id: boot, seq: 10 }), {
    host: "web-1",
    classify: createKernelMessageClassifier([site]),
    onRecord: (r) => records.push(r),
    onMessage: (m) => messages.push(m),
  });
  for (const line of output) collector.onLine(line);
  const outcome = collector.finish();
  assert.equal(messages.length, 4);
  assert.deepEqual(
    records.map((r) => [r.kind, r.reason_id, r.host, r.log_pos, r.time]),
    [
      ["invalid", "tcp.invalid_flags", "web-1", "11", "2023-11-14T22:13:10.000Z"],
      ["printk", "printk.nf_conntrack", "web-1", "13", "2023-11-14T22:13:10.000Z"],
    ],
  );
  assert.deepEqual(records[1].details, { arg1: 0, arg2: 1 });
  assert.deepEqual(
    {
      records: outcome.records,
      userspace: outcome.userspace,
      lost: outcome.lost,
      position: outcome.position,
    },
    { records: 2, userspace: 1, lost: 0, position: { source: "kmsg", boot_id: boot, seq: 14 } },
  );
});
