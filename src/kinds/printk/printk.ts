// Knob `printk`: dynamic-debug sites. Selectors are resolved against the host's own control file,
// because line numbers and even functions differ between kernel builds.
import { kernelAtLeast } from "../../facts/kernelVersion.js";
import type { HostFacts, PrintkSite } from "../../facts/types.js";
import type { PrintkSelector, Profile } from "../../profile/types.js";
import { moduleState } from "../module/modules.js";
import type { Knob, KnobPlan } from "../types.js";

export interface PrintkStep {
  kind: "printk";
  knob: "printk";
  /** "file:line" as the control file prints it. */
  site: string;
  func: string;
  from: string;
  to: string;
}

/** The kernel prints flags in this order (lib/dynamic_debug.c opt_array; d, the stack dump, from 6.19). */
const FLAG_ORDER = "pmfsltd";

export function canonicalFlags(letters: string): string {
  const set = new Set(letters.replace(/[_=]/g, ""));
  const out = [...FLAG_ORDER].filter((c) => set.has(c)).join("");
  return out === "" ? "_" : out;
}

/**
 * Flags younger than the rest (p m f l t are much older): an older kernel's control file rejects
 * the whole write with EINVAL, so plan refuses them from the host's kernel version instead.
 * `s` (source file name) came with 6.6 (seen: EINVAL on Debian 12's 6.1, accepted on Debian 13's
 * 6.12); `d` (a stack dump with each message) with 6.19 (read from the 6.19 sources).
 */
const FLAG_SINCE: Record<string, [number, number]> = { s: [6, 6], d: [6, 19] };

/** A problem for each flag of the selector the host's kernel does not know. */
export function unsupportedFlags(sel: PrintkSelector, kernel: string): string[] {
  return [...new Set(sel.flags)].flatMap((flag) => {
    const since = FLAG_SINCE[flag];
    return since && !kernelAtLeast(kernel, ...since)
      ? [
          `printk flag "${flag}" of selector "${describeSelector(sel)}" needs kernel ${since.join(".")} or later; kernel ${kernel} rejects it (EINVAL)`,
        ]
      : [];
  });
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** Does a site match every key the selector names (the kernel's query semantics)? */
export function selectorMatches(sel: PrintkSelector, site: PrintkSite): boolean {
  if (sel.file !== undefined) {
    const re = wildcard(sel.file);
    const base = site.file.slice(site.file.lastIndexOf("/") + 1);
    if (!re.test(site.file) && !re.test(base)) return false;
  }
  if (sel.func !== undefined && !sel.func.some((f) => wildcard(f).test(site.func))) return false;
  if (sel.module !== undefined && !wildcard(sel.module).test(site.module)) return false;
  if (sel.format !== undefined && !site.format.includes(sel.format)) return false;
  if (sel.line !== undefined) {
    const [from, to] = typeof sel.line === "number" ? [sel.line, sel.line] : sel.line;
    if (site.line < from || site.line > to) return false;
  }
  return true;
}

export function describeSelector(sel: PrintkSelector): string {
  const parts: string[] = [];
  if (sel.file) parts.push(`file ${sel.file}`);
  if (sel.line !== undefined)
    parts.push(`line ${typeof sel.line === "number" ? sel.line : sel.line.join("-")}`);
  if (sel.func) parts.push(`func ${sel.func.join(" or ")}`);
  if (sel.module) parts.push(`module ${sel.module}`);
  if (sel.format) parts.push(`format "${sel.format}"`);
  return parts.join(" ");
}

/** Fixed strings the facts script greps the control file for, so unenabled sites are seen too. */
export function printkFactFilters(profile: Profile): string[] {
  return (profile.printk ?? []).flatMap((sel) => {
    if (sel.file) return [sel.file.replace(/[*?].*$/, "")].filter((s) => s.length > 0);
    if (sel.func) return sel.func.map((f) => f.replace(/[*?].*$/, "")).filter((s) => s.length > 0);
    if (sel.module) return [`[${sel.module.replace(/[*?].*$/, "")}`];
    return sel.format ? [sel.format] : [];
  });
}

/** Why a selector may have matched nothing: other lines of its file, or a module not loaded yet. */
function noMatchHint(sel: PrintkSelector, facts: HostFacts): string {
  const sameFile =
    sel.file === undefined
      ? []
      : facts.printk.sites.filter((s) => selectorMatches({ file: sel.file, flags: "" }, s));
  if (sameFile.length > 0) {
    const lines = [...new Set(sameFile.map((s) => s.line))].sort((a, b) => a - b);
    const shown = lines.length > 20 ? `${lines.slice(0, 20).join(", ")}, ...` : lines.join(", ");
    return ` (its sites on this kernel are at lines ${shown} of ${sameFile[0].file})`;
  }
  if (!sel.module && !sel.file) return "";
  // Selectors are resolved before apply runs, so a module the profile itself loads has no sites yet.
  return moduleState("nf_conntrack", facts) === "absent"
    ? " (sites of a module exist only while it is loaded, and nf_conntrack is not: load it first, e.g. with a ruleset that uses conntrack; selectors are resolved before the profile's modules load)"
    : " (sites of a module exist only while it is loaded)";
}

// Site identity fields come from the host; they reach the apply script quoted, and must not carry
// the journal's separators.
const SAFE_SITE = /^[A-Za-z0-9_./:-]+$/;

/** Sites a selector names in a note before the rest are counted. */
const NOTED_SITES = 8;

/** "printk selector "file F func a or b" matched 4 sites: F:262 sctp_new, ..." */
function matchedNote(sel: PrintkSelector, matched: PrintkSite[]): string {
  const named = matched.slice(0, NOTED_SITES).map((s) => `${s.file}:${s.line} ${s.func}`);
  const more = matched.length > NOTED_SITES ? ` and ${matched.length - NOTED_SITES} more` : "";
  return `printk selector "${describeSelector(sel)}" matched ${matched.length} site${matched.length === 1 ? "" : "s"}: ${named.join(", ")}${more}`;
}

export function planPrintk(profile: Profile, facts: HostFacts): KnobPlan<PrintkStep> {
  const plan: KnobPlan<PrintkStep> = { steps: [], problems: [] };
  const selectors = profile.printk ?? [];
  if (selectors.length === 0) return plan;
  if (!facts.printk.control) {
    plan.problems.push(
      `dynamic debug is not available on kernel ${facts.kernel} (no /proc/dynamic_debug/control; needs CONFIG_DYNAMIC_DEBUG, or debugfs mounted)`,
    );
    return plan;
  }
  const planned = new Map<string, { site: PrintkSite; to: string }>();
  for (const sel of selectors) {
    const tooNew = unsupportedFlags(sel, facts.kernel);
    if (tooNew.length > 0) {
      plan.problems.push(...tooNew);
      continue;
    }
    const matched = facts.printk.sites.filter((site) => selectorMatches(sel, site));
    if (matched.length === 0) {
      const none = `printk selector "${describeSelector(sel)}" matches no dynamic-debug site on kernel ${facts.kernel}${noMatchHint(sel, facts)}`;
      if (sel.optional) (plan.warnings ??= []).push(`${none}; it is optional, so the rest goes on`);
      else plan.problems.push(none);
      continue;
    }
    (plan.notes ??= []).push(matchedNote(sel, matched));
    for (const site of matched) {
      const key = `${site.file}:${site.line} ${site.func}`;
      const prev = planned.get(key)?.to ?? site.flags;
      planned.set(key, { site, to: canonicalFlags(prev + sel.flags) });
    }
  }
  for (const { site, to } of planned.values()) {
    if (!SAFE_SITE.test(site.file) || !SAFE_SITE.test(site.func)) {
      plan.problems.push(
        `printk site ${site.file}:${site.line} ${site.func} has characters nfdebug will not pass to a shell`,
      );
      continue;
    }
    if (to !== canonicalFlags(site.flags))
      plan.steps.push({
        kind: "printk",
        knob: "printk",
        site: `${site.file}:${site.line}`,
        func: site.func,
        from: site.flags,
        to,
      });
  }
  return plan;
}

export const printkKnob: Knob<PrintkStep> = {
  name: "printk",
  scope: "kernel",
  plan: planPrintk,
  describe: (profile) =>
    profile.printk?.length
      ? [`${profile.printk.length} printk selector${profile.printk.length === 1 ? "" : "s"}`]
      : [],
};
