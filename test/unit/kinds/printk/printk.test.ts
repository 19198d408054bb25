// Knob printk: selectors resolved against dynamic-debug sites recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  canonicalFlags,
  planPrintk,
  selectorMatches,
  unsupportedFlags,
} from "../../../../src/kinds/printk/printk.js";
import {
  DEBIAN61_KERNEL,
  SCTP,
  SCTP_PROFILE,
  debian61Facts,
  debianLike,
  netnsFacts,
} from "../../../support/recordedFacts.js";

test("printk: selectors resolve against the host's sites; flags in kernel order", () => {
  const f = debianLike();
  const plan = planPrintk(
    { name: "p", printk: [{ file: "net/netfilter/nf_conntrack_proto_sctp.c", flags: "fp" }] },
    f,
  );
  assert.deepEqual(plan.steps, [
    {
      kind: "printk",
      knob: "printk",
      site: "net/netfilter/nf_conntrack_proto_sctp.c:164",
      func: "do_basic_checks",
      from: "_",
      to: "pf",
    },
    {
      kind: "printk",
      knob: "printk",
      site: "net/netfilter/nf_conntrack_proto_sctp.c:390",
      func: "nf_conntrack_sctp_packet",
      from: "p",
      to: "pf",
    },
  ]);
  assert.deepEqual(
    planPrintk({ name: "p", printk: [{ file: "nf_conntrack_proto_sctp.c", line: 390, flags: "p" }] }, f)
      .steps,
    [],
    "basename match, already p",
  );
  const none = planPrintk(
    { name: "p", printk: [{ file: "net/netfilter/nf_conntrack_proto_tcp.c", line: 1005, flags: "p" }] },
    f,
  );
  assert.match(none.problems[0], /matches no dynamic-debug site on kernel 6.1.0-27-amd64/);
  assert.match(
    planPrintk({ name: "p", printk: [{ func: ["x"], flags: "p" }] }, netnsFacts()).problems[0],
    /dynamic debug is not available/,
  );
  assert.equal(canonicalFlags("tlfp"), "pflt");
  // 6.19's opt_array: p m f s l t d
  assert.equal(canonicalFlags("dtslfmp"), "pmfsltd");
  assert.equal(canonicalFlags("_"), "_");
  assert.ok(selectorMatches({ func: ["do_*"], flags: "p" }, f.printk.sites[0]));
  assert.ok(!selectorMatches({ line: [1, 100], flags: "p" }, f.printk.sites[0]));
});

test("planPrintk: selectors resolve against the recorded control file", () => {
  const f = debian61Facts("ct-in-use");
  assert.deepEqual(planPrintk(SCTP_PROFILE, f), {
    steps: [
      { kind: "printk", knob: "printk", site: `${SCTP}:164`, func: "do_basic_checks", from: "_", to: "p" },
    ],
    problems: [],
    notes: [
      `printk selector "file ${SCTP} line 164 func do_basic_checks" matched 1 site: ${SCTP}:164 do_basic_checks`,
    ],
  });
  // A site already enabled makes no step, but the note still names it.
  const enabled = planPrintk({ name: "p", printk: [{ file: SCTP, line: 390, flags: "p" }] }, debianLike());
  assert.deepEqual(enabled.steps, []);
  assert.deepEqual(enabled.notes, [
    `printk selector "file ${SCTP} line 390" matched 1 site: ${SCTP}:390 nf_conntrack_sctp_packet`,
  ]);
  const many = planPrintk({ name: "p", printk: [{ file: SCTP, flags: "p" }] }, f);
  assert.match(
    many.notes?.[0] ?? "",
    new RegExp(`^printk selector "file \\S+" matched (\\d+) sites: (\\S+ \\w+, ){7}\\S+ \\w+ and \\d+ more$`),
  );
  const byFunc = planPrintk(
    { name: "p", printk: [{ file: "nf_conntrack_proto_sctp.c", func: ["do_basic_checks"], flags: "fp" }] },
    f,
  );
  assert.deepEqual(
    byFunc.steps.map((s) => s.kind === "printk" && [s.site, s.from, s.to]),
    [
      [`${SCTP}:164`, "_", "pf"],
      [`${SCTP}:180`, "_", "pf"],
      [`${SCTP}:188`, "_", "pf"],
    ],
  );
  // Debian's 6.1 boots with some sites already enabled: a selector adds flags to what is there.
  const boot = debian61Facts("boot");
  assert.deepEqual(planPrintk({ name: "p", printk: [{ func: ["initcall_blacklist"], flags: "p" }] }, boot), {
    steps: [],
    problems: [],
    notes: ['printk selector "func initcall_blacklist" matched 1 site: init/main.c:1190 initcall_blacklist'],
  });
  assert.deepEqual(
    planPrintk({ name: "p", printk: [{ func: ["initcall_blacklist"], flags: "t" }] }, boot).steps,
    [
      {
        kind: "printk",
        knob: "printk",
        site: "init/main.c:1190",
        func: "initcall_blacklist",
        from: "p",
        to: "pt",
      },
    ],
  );
});

test("planPrintk: a line that does not exist on 6.1 names the selector, the kernel and the lines that do", () => {
  const f = debian61Facts("ct-in-use");
  const { steps, problems } = planPrintk({ name: "p", printk: [{ file: SCTP, line: 165, flags: "p" }] }, f);
  assert.deepEqual(steps, []);
  assert.deepEqual(problems, [
    `printk selector "file ${SCTP} line 165" matches no dynamic-debug site on kernel ${DEBIAN61_KERNEL} ` +
      `(its sites on this kernel are at lines 164, 180, 188, 198, 202, 206, 210, 214, 218, 222, 226, 230, 234, 238, 242, 247, 252, 278, 294, 299, ... of ${SCTP})`,
  ]);
});

test("planPrintk: before nf_conntrack loads there are no sites, and the problem says why", () => {
  const boot = debian61Facts("boot");
  assert.deepEqual(planPrintk(SCTP_PROFILE, boot).problems, [
    `printk selector "file ${SCTP} line 164 func do_basic_checks" matches no dynamic-debug site on kernel ${DEBIAN61_KERNEL} ` +
      "(sites of a module exist only while it is loaded, and nf_conntrack is not: load it first, e.g. with a ruleset that uses conntrack; selectors are resolved before the profile's modules load)",
  ]);
  assert.match(
    planPrintk({ name: "p", printk: [{ module: "nf_nat", flags: "p" }] }, debian61Facts("ct-in-use"))
      .problems[0],
    /matches no dynamic-debug site on kernel 6\.1\.0-50-amd64 \(sites of a module exist only while it is loaded\)$/,
  );
});

test("planPrintk: a site whose name would need quoting is refused rather than passed on", () => {
  const f = debian61Facts("ct-in-use");
  const site = f.printk.sites.find((s) => s.file === SCTP && s.line === 164)!;
  site.func = "do_basic_checks$(reboot)";
  const byLine = planPrintk({ name: "p", printk: [{ file: SCTP, line: 164, flags: "p" }] }, f);
  assert.deepEqual(byLine.steps, []);
  assert.deepEqual(byLine.problems, [
    `printk site ${SCTP}:164 do_basic_checks$(reboot) has characters nfdebug will not pass to a shell`,
  ]);
});

test("planPrintk: flag s is refused at plan time on 6.1 (it came with 6.6), before any site is resolved", () => {
  const f = debian61Facts("ct-in-use");
  const plan = planPrintk({ name: "p", printk: [{ file: SCTP, line: 164, flags: "ps" }] }, f);
  assert.deepEqual(plan, {
    steps: [],
    problems: [
      `printk flag "s" of selector "file ${SCTP} line 164" needs kernel 6.6 or later; kernel ${DEBIAN61_KERNEL} rejects it (EINVAL)`,
    ],
  });
  assert.deepEqual(unsupportedFlags({ flags: "pmflt", file: SCTP }, DEBIAN61_KERNEL), []);
  assert.equal(unsupportedFlags({ flags: "d", file: SCTP }, "6.18.0").length, 1, "d came with 6.19");
  assert.deepEqual(unsupportedFlags({ flags: "sd", file: SCTP }, "6.19.0"), []);
});
