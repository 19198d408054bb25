import { test } from "node:test";
import assert from "node:assert/strict";
import { CATALOGUE, catalogueEntry } from "../../../src/logs/catalogue.js";
import { classifyReason, DETAILS_LITERALS } from "../../../src/logs/classify.js";
import { L4PROTO, l4ProtocolLabel, l4ProtocolName } from "../../../src/protocols.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import { corpus } from "./corpus.js";

/** Every reason DOMAIN.md §8 names, by the id it must get. */
const DOMAIN_REASONS = [
  "tcp.truncated",
  "tcp.bad_checksum",
  "tcp.invalid_flags",
  "tcp.invalid_new",
  "tcp.invalid_rst",
  "tcp.invalid_state",
  "tcp.ignored_state",
  "tcp.challenge_ack_ignored",
  "tcp.seq_over_upper_bound",
  "tcp.ack_over_upper_bound",
  "tcp.seq_under_lower_bound",
  "tcp.ack_under_lower_bound",
  "tcp.bytes_more_than_expected",
  "udp.short",
  "udp.truncated",
  "udp.bad_checksum",
  "icmp.short",
  "icmp.bad_checksum",
  "icmp.invalid_type",
  "icmp.outer_inner_mismatch",
  "icmpv6.short",
  "icmpv6.bad_checksum",
  "icmpv6.short_redirect",
  "icmpv6.invalid_redirect",
  "icmpv6.redirect_without_options",
  "sctp.short",
  "sctp.header",
  "sctp.bad_crc",
];

// Sample values for a format's conversions, and what the details should then hold.
function instantiate(text: string): { text: string; values: Array<string | number> } {
  const values: Array<string | number> = [];
  const samples: Record<string, (k: number) => string | number> = {
    d: (k) => k + 1,
    u: (k) => 4000000000 + k,
    x: (k) => `dead${k}f`,
    s: () => "TIME_WAIT",
    pI4: () => "192.0.2.7",
    pI6: () => "fd00:0000:0000:0000:0000:0000:0000:0007",
  };
  const out = text.replace(/%(pI4|pI6|[dusx])/g, (_, conv: string) => {
    const v = samples[conv](values.length);
    values.push(v);
    return String(v);
  });
  return { text: out, values };
}

test("ids are unique, named <protocol>.<check>, and every entry explains itself", () => {
  const ids = CATALOGUE.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const e of CATALOGUE) {
    assert.match(e.id, /^[a-z0-9]+\.[a-z0-9_]+$/);
    assert.ok(e.id.startsWith(`${e.protocol}.`), e.id);
    assert.ok(e.explanation.length > 20 && e.hint.length > 10, e.id);
    assert.ok(e.formats.length > 0, e.id);
    for (const f of e.formats)
      assert.equal((f.text.match(/%/g) ?? []).length, f.params?.length ?? 0, `${e.id}: ${f.text}`);
    assert.equal(catalogueEntry(e.id), e);
  }
});

test("every reason of DOMAIN.md §8 is catalogued", () => {
  for (const id of DOMAIN_REASONS) assert.ok(catalogueEntry(id), id);
});

test("every spelling of every entry classifies to its own id, with its parameters", () => {
  for (const e of CATALOGUE) {
    for (const f of e.formats) {
      const { text, values } = instantiate(f.text);
      const expectedDetails = f.params ? Object.fromEntries(f.params.map((p, k) => [p, values[k]])) : null;
      const match = classifyReason(L4PROTO[e.protocol], text);
      assert.deepEqual(
        { id: match.id, details: match.details },
        { id: e.id, details: expectedDetails },
        text,
      );
      // The same text, upper-cased as older kernels wrote some of them, with the trailing space
      // some formats end with, and with a protocol tag: still the same id.
      assert.equal(classifyReason(L4PROTO[e.protocol], `${text.toUpperCase()} `).id, e.id, text);
      assert.equal(classifyReason(L4PROTO[e.protocol], `nf_ct_${e.protocol}: ${text}`).id, e.id, text);
    }
  }
});

test("the same text means different checks for different protocols", () => {
  assert.equal(classifyReason(6, "short packet").id, "tcp.short");
  assert.equal(classifyReason(17, "short packet").id, "udp.short");
  assert.equal(classifyReason(1, "short packet").id, "icmp.short");
  assert.equal(classifyReason(58, "short packet").id, "icmpv6.short");
  assert.equal(classifyReason(132, "nf_ct_sctp: short packet").id, "sctp.short");
  assert.equal(classifyReason(17, "bad checksum").id, "udp.bad_checksum");
  assert.equal(classifyReason(6, "bad checksum").id, "tcp.bad_checksum");
  assert.equal(classifyReason(136, "bad checksum").id, "udplite.bad_checksum");
  // Unknown protocol number, or a text no kernel prints: unknown. Without a protocol: first match.
  assert.equal(classifyReason(47, "bad checksum").id, "unknown");
  assert.equal(
    classifyReason(6, "SEQ is over upper bound x (over the window of the receiver)").id,
    "unknown",
  );
  assert.equal(classifyReason(null, "invalid rst").id, "tcp.invalid_rst");
  assert.equal(classifyReason(null, "nothing like it").id, "unknown");
});

test("repeated lookups are memoised without leaking one record's details into another", () => {
  const a = classifyReason(6, "packet (index 3) in dir 0 invalid, state SYN_SENT");
  const b = classifyReason(6, "packet (index 3) in dir 0 invalid, state SYN_SENT");
  assert.equal(a, b, "low-cardinality texts come from the memo");
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.details));
  // Bounds differ on nearly every line: not memoised, and each line gets its own value.
  const c = classifyReason(6, "SEQ is over upper bound 10 (over the window of the receiver)");
  const d = classifyReason(6, "SEQ is over upper bound 11 (over the window of the receiver)");
  assert.deepEqual([c.details, d.details], [{ bound: 10 }, { bound: 11 }]);
});

test("protocol names and numbers", () => {
  assert.equal(l4ProtocolName(6), "tcp");
  assert.equal(l4ProtocolName(132), "sctp");
  assert.equal(l4ProtocolName(250), undefined);
  assert.equal(l4ProtocolLabel(136), "UDP-Lite");
  assert.equal(l4ProtocolLabel(250), undefined);
});

test("the line corpus covers every DOMAIN.md §8 reason and both kernel spellings where they differ", () => {
  const lines = [
    ...corpus("kernel-6.18.txt"),
    ...corpus("kernel-6.12.txt"),
    ...corpus("kernel-spellings.txt"),
  ];
  const seen = new Map<string, Set<string>>();
  for (const l of lines) {
    const r = parseLogLine(l.message, { host: "h", time: null });
    if (!seen.has(r.reason_id)) seen.set(r.reason_id, new Set());
    seen.get(r.reason_id)?.add(r.reason ?? "");
  }
  for (const id of DOMAIN_REASONS) assert.ok(seen.has(id), `no corpus line for ${id}`);
  for (const id of [
    "tcp.seq_over_upper_bound",
    "tcp.ack_over_upper_bound",
    "tcp.seq_under_lower_bound",
    "tcp.ack_under_lower_bound",
  ]) {
    const spellings = [...(seen.get(id) ?? [])];
    assert.ok(
      spellings.some((s) => /bound \d+ \(/.test(s)),
      `${id}: 6.1+ spelling`,
    );
    assert.ok(
      spellings.some((s) => / the (upper|lower) bound \(/.test(s)),
      `${id}: pre-6.1 spelling`,
    );
  }
  assert.ok([...(seen.get("tcp.invalid_state") ?? [])].some((s) => s === "invalid state"));
  assert.ok([...(seen.get("tcp.invalid_state") ?? [])].some((s) => s.startsWith("packet (index")));
});

test("every parameter list of the catalogue has a details literal, with its names in order", () => {
  for (const entry of CATALOGUE) {
    for (const format of entry.formats) {
      if (!format.params) continue;
      const literal = DETAILS_LITERALS[format.params.join(",")];
      assert.ok(literal, `${entry.id} "${format.text}": no details literal for ${format.params.join(", ")}`);
      const details = literal(...format.params.map((_, k) => k));
      assert.deepEqual(Object.keys(details), format.params, `${entry.id}: keys`);
      assert.deepEqual(
        Object.values(details),
        format.params.map((_, k) => k),
        `${entry.id}: values`,
      );
    }
  }
});
