// Kind printk, facts: the dynamic-debug control file as real kernels print it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FactSections } from "../../../../src/facts/sections.js";
import { parsePrintkSite, readPrintkFacts } from "../../../../src/kinds/printk/facts.js";
import { factsFixture } from "../../../support/recordedFacts.js";

const read = (name: string) => readPrintkFacts(FactSections.parse(factsFixture(name)));

test("dynamic-debug control lines, with escaped newline in either spelling", () => {
  assert.deepEqual(
    parsePrintkSite(
      'net/netfilter/nf_conntrack_proto_sctp.c:164 [nf_conntrack]do_basic_checks =_ "Chunk Num: %d  Type: %d\\n"',
    ),
    {
      file: "net/netfilter/nf_conntrack_proto_sctp.c",
      line: 164,
      module: "nf_conntrack",
      func: "do_basic_checks",
      flags: "_",
      format: "Chunk Num: %d  Type: %d",
    },
  );
  assert.equal(parsePrintkSite('a.c:1 [m]f =pf "x\\012"')?.format, "x");
  assert.equal(parsePrintkSite('a.c:1 [m]f =pf "x\\012"')?.flags, "pf");
  assert.equal(parsePrintkSite("# filename:lineno [module]function flags format"), undefined);
});

test("printk facts: no control file on 6.18 here; on Debian 6.1 the enabled sites and conntrack's", () => {
  assert.deepEqual(read("kernel-6.18-netns.txt").printk, { control: null, sites: [] });
  const f = read("debian-6.1-ct-in-use.txt").printk;
  assert.equal(f.control, "/proc/dynamic_debug/control");
  assert.ok(f.sites.some((s) => s.func === "initcall_blacklist" && s.flags === "p"));
  assert.ok(f.sites.some((s) => s.file === "net/netfilter/nf_conntrack_proto_sctp.c" && s.line === 164));
  assert.ok(f.sites.every((s) => Number.isInteger(s.line)));
});
