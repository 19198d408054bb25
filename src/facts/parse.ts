// Pure parser for the facts script's output: the host's own sections here (kernel, clock, window,
// journal, history, log sources), each kind's in its folder (src/kinds/*/facts.ts).
import { readCaptureFacts } from "../kinds/capture/facts.js";
import { readModuleFacts } from "../kinds/module/facts.js";
import { kindOf } from "../kinds/registry.js";
import { parseChangeType } from "../kinds/types.js";
import { readPrintkFacts } from "../kinds/printk/facts.js";
import { readSysctlFacts } from "../kinds/sysctl/facts.js";
import { parseDetectSources } from "../logs/sources/detect.js";
import { FactSections } from "./sections.js";
import type { HistoryEvent, HostFacts, HostState, JournalEntry, WindowBudget, WindowState } from "./types.js";

function withSwitch(window: WindowState | null, state: string): WindowState | null {
  if (!window || !["alive", "dead", "none"].includes(state)) return window;
  return { ...window, switch: state as WindowState["switch"] };
}

/** "ID<TAB>OUTCOME ID" of the overdue window the facts script reverted. */
function parseOverdue(line: string): HostFacts["overdue"] {
  if (!line) return null;
  const [window, outcome] = line.split("\t");
  return { window, outcome: (outcome ?? "").split(/\s+/)[0] || "unknown" };
}

function parseWindow(lines: string[]): WindowState | null {
  if (lines.length === 0) return null;
  const kv = new Map(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  const id = kv.get("id");
  if (!id) return null;
  return {
    id,
    owner: kv.get("owner") ?? "",
    profile: kv.get("profile") ?? "",
    started: Number(kv.get("started") ?? 0),
    expires: Number(kv.get("expires") ?? 0),
    bootId: kv.get("boot_id") ?? "",
    state: kv.get("state") ?? "open",
    timerUnit: kv.get("timer_unit"),
    watchdogPid: kv.has("watchdog_pid") ? Number(kv.get("watchdog_pid")) : undefined,
    ...budgetOf(kv.get("budget")),
  };
}

/** The header's "MAX PER MAXLINES EVERY" (PER: 1 for lines/s, 60 for lines/min). */
function budgetOf(header: string | undefined): { budget?: WindowBudget } {
  const [max, per, maxLines, every] = (header ?? "").split(" ").map(Number);
  if (![max, per, maxLines, every].every((n) => Number.isInteger(n) && n! > 0)) return {};
  return {
    budget: { maxRate: `${max}/${per === 60 ? "min" : "s"}`, maxLines: maxLines!, intervalS: every! },
  };
}

/** The sampler's file ("id=", "lines=", "at=", "unenforced=") joined to the open window's budget. */
function withSampler(window: WindowState | null, lines: string[]): WindowState | null {
  if (!window?.budget || lines.length === 0) return window;
  const kv = new Map(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  if (kv.get("id") !== window.id) return window;
  const budget: WindowBudget = { ...window.budget };
  if (/^\d+$/.test(kv.get("lines") ?? "")) budget.counted = Number(kv.get("lines"));
  if (/^\d+$/.test(kv.get("at") ?? "")) budget.sampledAt = Number(kv.get("at"));
  if (kv.get("unenforced")) budget.unenforced = kv.get("unenforced");
  return { ...window, budget };
}

/** Journal lines "TYPE<TAB>KEY<TAB>FROM<TAB>TO"; TYPE is KIND:KNOB (before knobs were recorded: KIND). */
export function parseJournal(lines: string[]): JournalEntry[] {
  return lines.flatMap((line) => {
    const [kind, key, from, to] = line.split("\t");
    if (kindOf(parseChangeType(kind).kind) && key !== undefined && to !== undefined)
      return [{ kind, key, from, to }];
    return [];
  });
}

export function parseHistory(lines: string[]): HistoryEvent[] {
  return lines.flatMap((line) => {
    const fields = line.split("\t");
    const [event, window, at, detail] = fields;
    if (event !== "opened" && event !== "closed" && event !== "extended") return [];
    return [{ event, window, at: Number(at), detail: detail ?? "", fields: fields.slice(3) }];
  });
}

function parseLogSources(lines: string[] | undefined): HostFacts["logSources"] {
  if (!lines) return null;
  try {
    return parseDetectSources(lines.join("\n"));
  } catch {
    return null;
  }
}

function readHostState(s: FactSections): HostState {
  return {
    kernel: s.first("kernel"),
    bootId: s.first("boot_id"),
    now: Number(s.first("now")),
    uid: Number(s.first("uid")),
    tools: s.lines("tools"),
    window: withSampler(withSwitch(parseWindow(s.lines("window")), s.first("switch")), s.lines("budget")),
    journal: parseJournal(s.lines("changes")),
    history: parseHistory(s.lines("history")),
    logSources: parseLogSources(s.has("logsources") ? s.lines("logsources") : undefined),
    installedScripts: s.lines("installed"),
    overdue: parseOverdue(s.first("overdue")),
  };
}

export function parseFacts(output: string): HostFacts {
  const s = FactSections.parse(output);
  return {
    ...readHostState(s),
    ...readSysctlFacts(s),
    ...readModuleFacts(s),
    ...readPrintkFacts(s),
    ...readCaptureFacts(s),
  };
}
