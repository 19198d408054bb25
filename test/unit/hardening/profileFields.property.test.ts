// Property (issue 9): every profile field that can reach a host. A random or hostile value is either
// rejected by parseProfile (InputError), or it reaches the host scripts as exactly that literal:
// in the facts script's arguments (module names, printk filters) and in the apply script's body
// (nfd_begin, and the steps planned against facts recorded on kernel 6.18), both rendered for real
// and run by a real `sh` with stubs that report their arguments. Each field is fed hostile strings
// and strings from its own alphabet, so that accepted values are exercised too. Fixed seed;
// RUNS × BATCH = 500 values per field (shellProbe.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { stringify } from "yaml";
import { InputError } from "../../../src/errors.js";
import { parseProfile } from "../../../src/profile/load.js";
import { windowBudget, type Profile } from "../../../src/profile/types.js";
import { parseFacts } from "../../../src/facts/parse.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { planHost } from "../../../src/engine/plan.js";
import { renderApply } from "../../../src/engine/apply.js";
import { applyScript, budgetArg } from "../../../src/engine/host/scripts.js";
import { printkFactFilters } from "../../../src/kinds/printk/printk.js";
import { realModuleName } from "../../../src/kinds/module/modules.js";
import type { Step } from "../../../src/kinds/registry.js";
import { changeType } from "../../../src/kinds/types.js";
import type { Connection } from "../../../src/transport/types.js";
import { ARGS_STUB, BATCH, PROPERTY, bytes, hostile, parseArgs, runSh, sameBytes } from "./shellProbe.js";

const FIXTURE = readFileSync(
  new URL("../../../../test/fixtures/facts/kernel-6.18-netns.txt", import.meta.url),
  "utf8",
);
/** Recorded facts of a 6.18 namespace host, with module support and modprobe, so module steps are planned too. */
function hostFacts(): HostFacts {
  const facts = parseFacts(FIXTURE);
  return { ...facts, modules: {}, tools: [...facts.tools, "modprobe"] };
}

interface Field {
  /** The profile document with `value` in this field. */
  doc(value: string): Record<string, unknown>;
  /** Strings from the field's own alphabet (mostly accepted). */
  valid: fc.Arbitrary<string>;
}

const FIELDS: Record<string, Field> = {
  name: { doc: (v) => ({ name: v }), valid: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,62}$/) },
  modules: { doc: (v) => ({ modules: [v] }), valid: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,54}$/) },
  "printk.file": {
    doc: (v) => ({ printk: [{ file: v }] }),
    valid: fc.stringMatching(/^[A-Za-z0-9_*?][A-Za-z0-9_./*?+-]{0,254}$/),
  },
  "printk.func": {
    doc: (v) => ({ printk: [{ func: v }] }),
    valid: fc.stringMatching(/^[A-Za-z_*?][A-Za-z0-9_*?]{0,127}$/),
  },
  "printk.module": {
    doc: (v) => ({ printk: [{ module: v }] }),
    valid: fc.stringMatching(/^[A-Za-z0-9_*?][A-Za-z0-9_*?-]{0,54}$/),
  },
  "printk.format": {
    doc: (v) => ({ printk: [{ format: v }] }),
    valid: fc.stringMatching(/^[A-Za-z0-9 _.,:%=()<>/+-]{1,128}$/),
  },
  "printk.flags": {
    doc: (v) => ({ printk: [{ file: "nf_conntrack_proto_tcp.c", flags: v }] }),
    valid: fc.subarray([..."pflmts"], { minLength: 1 }).map((l) => l.join("")),
  },
  "nf_log.ipv6": {
    doc: (v) => ({ nf_log: { ipv6: v } }),
    // Logger names in any letter case, as the kernel matches them.
    valid: fc.constantFrom("nf_log_ipv6", "NF_LOG_IPV6", "nfnetlink_log", "NfNetlink_Log", "NONE"),
  },
  log_invalid: {
    doc: (v) => ({ log_invalid: v }),
    valid: fc.constantFrom("off", "all", "tcp", "udp", "icmp", "icmpv6", "sctp", "dccp", "udplite", "gre"),
  },
  window: { doc: (v) => ({ window: v }), valid: fc.stringMatching(/^([0-9]{1,4}(ms|s|m|h|d)){1,3}$/) },
};

/** What the facts script of readFacts(profile) is: captured from a connection that only records it. */
async function factsScriptOf(profile: Profile): Promise<string> {
  let script = "";
  const conn = {
    host: { name: "h" },
    runScript: async (s: string) => {
      script = s;
      return { stdout: "", stderr: "", code: 0 };
    },
    close() {},
  } as unknown as Connection;
  await readFacts(conn, profile).catch(() => undefined); // empty output: not facts, by design
  return script;
}

/** The facts script up to its `set -- ARGS` line (library and arguments), then a report of "$@". */
function factsArgsProbe(script: string): string {
  const body = script.lastIndexOf("\n# nfdebug facts: everything plan");
  assert.ok(body > 0, "facts.sh follows the arguments");
  return `(\n${script.slice(0, body)}\nnfd_args "$@"\n)`;
}

/** The generated body of the real apply script (between applyScript's fixed head and tail). */
function applyBody(script: string, window: string): string {
  const empty = applyScript(window, []);
  const tail = "\nnfd_commit\n}";
  const head = empty.slice(0, empty.length - tail.length + 1);
  assert.ok(script.startsWith(head) && script.endsWith(tail));
  return script.slice(head.length, script.length - tail.length);
}

// The apply body's functions, reporting their arguments. NFD_SAME skips the window-mark lines
// (they write files; windowMarks.property.test.ts runs them).
const APPLY_STUBS = [
  'nfd_begin() { NFD_SAME=1; nfd_args begin "$@"; }',
  'nfd_sysctl() { nfd_args sysctl "$@"; }',
  'nfd_module() { nfd_args module "$@"; }',
  'nfd_printk() { nfd_args printk "$@"; }',
  'nfd_capture() { nfd_args capture "$@"; }',
  'nfd_flow() { nfd_args flow "$@"; }',
].join("\n");

function stepArgs(step: Step): string[] {
  switch (step.kind) {
    case "sysctl":
      return [
        "sysctl",
        changeType(step),
        step.path,
        step.from,
        step.to,
        ...(step.loadsModules ? ["loads-modules"] : []),
      ];
    case "module":
      return ["module", changeType(step), step.module];
    case "printk":
      return ["printk", changeType(step), step.site, step.func, step.from, step.to];
    case "capture":
      return step.knob === "capture"
        ? ["capture", changeType(step), String(step.group), String(step.snaplen), String(step.packets)]
        : [
            "flow",
            changeType(step),
            step.name,
            step.interface,
            String(step.snaplen),
            String(step.packets),
            step.filter,
          ];
  }
}

const WINDOW = "20261125T120501-3fa2";
const OWNER = "tester@controller";

for (const [field, spec] of Object.entries(FIELDS)) {
  test(`profile ${field}: rejected, or the literal value in the facts arguments and the apply script`, async (t) => {
    const counts = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(hostile, spec.valid), { minLength: BATCH, maxLength: BATCH }),
        async (values) => {
          const factsProbes: string[] = [];
          const factsExpected: { value: string; args: (args: Buffer[]) => void }[] = [];
          const bodies: string[] = [];
          const applyExpected: (string | number)[][] = [];
          for (const value of values) {
            const doc = { apiVersion: "nfdebug/v1", kind: "DebugProfile", name: "p", ...spec.doc(value) };
            let profile: Profile;
            try {
              profile = parseProfile(stringify(doc), "p.yaml");
            } catch (err) {
              assert.ok(err instanceof InputError, `${JSON.stringify(value)}: ${(err as Error).stack}`);
              counts.rejected++;
              continue;
            }
            counts.accepted++;
            factsProbes.push(factsArgsProbe(await factsScriptOf(profile)));
            factsExpected.push({ value, args: (args) => checkFactsArgs(field, value, profile, args) });
            const facts = hostFacts();
            const plan = planHost(profile, facts);
            if (plan.problems.length > 0) continue; // the host refuses before any apply script is sent
            const seconds = Math.max(1, Math.round((profile.windowMs ?? 600_000) / 1000));
            bodies.push(
              applyBody(
                renderApply({ profile, window: WINDOW, owner: OWNER, windowSeconds: seconds }, plan),
                WINDOW,
              ),
            );
            applyExpected.push(
              ["begin", WINDOW, OWNER, profile.name, seconds, "timer", budgetArg(windowBudget(profile))],
              ...plan.steps.map(stepArgs),
            );
            checkPlanned(field, value, profile, plan.steps);
          }
          if (factsProbes.length > 0) {
            const calls = parseArgs(runSh([ARGS_STUB, ...factsProbes].join("\n")));
            assert.equal(calls.length, factsExpected.length);
            calls.forEach((args, i) => factsExpected[i].args(args));
          }
          if (bodies.length > 0) {
            const calls = parseArgs(runSh([ARGS_STUB, APPLY_STUBS, ...bodies].join("\n")));
            assert.equal(calls.length, applyExpected.length);
            calls.forEach((args, i) =>
              assert.ok(sameBytes(args, applyExpected[i]), JSON.stringify(applyExpected[i])),
            );
          }
        },
      ),
      PROPERTY,
    );
    t.diagnostic(`${counts.accepted} accepted, ${counts.rejected} rejected`);
    assert.ok(counts.accepted >= 50, `${field}: only ${counts.accepted} accepted values were exercised`);
    assert.ok(counts.rejected >= 50, `${field}: only ${counts.rejected} values were rejected`);
  });
}

/** The facts script's arguments carry the field's value literally (modules, printk filters). */
function checkFactsArgs(field: string, value: string, profile: Profile, args: Buffer[]): void {
  const has = (arg: string) => args.some((a) => a.equals(bytes(arg)));
  if (field === "modules") {
    assert.ok(has(`m:${value.replaceAll("-", "_")}`), `m:${value}`);
  } else if (field.startsWith("printk.") && field !== "printk.flags") {
    for (const filter of printkFactFilters(profile)) assert.ok(has(`p:${filter}`), `p:${filter}`);
    const literal = value.replace(/[*?].*$/, "");
    if (field === "printk.format") assert.ok(has(`p:${value}`), "the format, whole");
    else if (literal.length > 0)
      assert.ok(has(field === "printk.module" ? `p:[${literal}` : `p:${literal}`), `p:${literal}`);
  }
  // Nothing else but module and printk filters, and the knobs' fixed sysctl names, is passed.
  for (const a of args) assert.match(a.toString("utf8"), /^([mp]:|s:[a-z_]+$)/);
}

/** The planned steps carry the accepted value itself, where the field reaches a step. */
function checkPlanned(field: string, value: string, profile: Profile, steps: Step[]): void {
  if (field === "modules") {
    const step = steps.find((s) => s.kind === "module");
    assert.ok(
      step && step.kind === "module" && step.name === value && step.module === realModuleName(value, "6.18"),
    );
  } else if (field === "nf_log.ipv6") {
    // Bound already (nf_log_ipv6 in any case): no step; else one writing the kernel's spelling.
    const to = value === "NONE" ? value : value.toLowerCase();
    const writes = steps.filter((s) => s.kind === "sysctl" && s.path === "net/netfilter/nf_log/10");
    assert.deepEqual(
      writes.map((s) => s.kind === "sysctl" && s.to),
      to === "nf_log_ipv6" ? [] : [to],
    );
  } else if (field === "log_invalid") {
    const step = steps.find((s) => s.kind === "sysctl" && s.path.endsWith("nf_conntrack_log_invalid"));
    if (profile.logInvalid !== 0)
      assert.ok(step && step.kind === "sysctl" && step.to === String(profile.logInvalid));
  } else if (field === "printk.flags") {
    assert.match(value, /^[pflmts]+$/);
  }
}
