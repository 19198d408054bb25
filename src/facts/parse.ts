// Pure parser for the facts script's output (sections introduced by "@@section\tNAME" frames).
import { MalformedAnswer } from "../errors.js";
import { parseDetectSources } from "../logs/sources/detect.js";
import { parseFrame } from "../shell/frame.js";
import type { HistoryEvent, HostFacts, JournalEntry, PrintkSite, WindowState } from "./types.js";

/** The facts script's last line; anything after it (a follow-up script's output) is not facts. */
export const FACTS_END = "@@end";

/** Lines after each "@@section\tNAME" frame, up to the "@@end" frame (what follows is not facts). */
function splitSections(output: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  let ended = false;
  for (const line of output.split("\n")) {
    const tag = parseFrame(line)?.tag;
    if (tag === "section") {
      current = [];
      sections.set(line.slice("@@section\t".length), current);
    } else if (tag === "end") {
      ended = true;
      break;
    } else if (current && line !== "") {
      current.push(line);
    }
  }
  if (!ended) throw new MalformedAnswer("facts output is incomplete (no end marker)");
  return sections;
}

// "net/netfilter/nf_conntrack_proto_sctp.c:164 [nf_conntrack]do_basic_checks =_ "Chunk..."
const SITE = /^(\S+):(\d+) \[([^\]]*)\](\S+) =(\S+) (.*)$/;

export function parsePrintkSite(line: string): PrintkSite | undefined {
  const m = SITE.exec(line);
  if (!m) return undefined;
  let format = m[6];
  if (format.startsWith('"'))
    format = format.slice(1, format.lastIndexOf('"') > 0 ? format.lastIndexOf('"') : undefined);
  format = format.replace(/\\n$|\\012$/, "");
  return { file: m[1], line: Number(m[2]), module: m[3], func: m[4], flags: m[5], format };
}

export function parseLoggers(lines: string[]): HostFacts["loggers"] {
  const loggers: HostFacts["loggers"] = {};
  for (const line of lines) {
    const m = /^\s*(\d+)\s+(\S+)\s+\(([^)]*)\)/.exec(line);
    if (m) loggers[Number(m[1])] = { bound: m[2], registered: m[3] ? m[3].split(",") : [] };
  }
  return loggers;
}

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
  };
}

/** Journal lines "TYPE<TAB>KEY<TAB>FROM<TAB>TO"; TYPE is KIND:KNOB (before knobs were recorded: KIND). */
export function parseJournal(lines: string[]): JournalEntry[] {
  return lines.flatMap((line) => {
    const [kind, key, from, to] = line.split("\t");
    const base = kind.split(":")[0];
    if (
      (base === "sysctl" || base === "module" || base === "printk") &&
      key !== undefined &&
      to !== undefined
    )
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

export function parseFacts(output: string): HostFacts {
  const s = splitSections(output);
  const one = (name: string) => (s.get(name) ?? [])[0] ?? "";
  const sysctl: Record<string, string> = {};
  for (const line of s.get("sysctl") ?? []) {
    const space = line.indexOf(" ");
    if (space > 0) sysctl[line.slice(0, space)] = line.slice(space + 1);
  }
  const moduleLines = s.get("modules") ?? [];
  let modules: Record<string, number> | null = {};
  if (moduleLines[0] === "-unsupported") modules = null;
  else
    for (const line of moduleLines) {
      const [name, refs] = line.split(" ");
      modules[name] = Number(refs);
    }
  const printkLines = s.get("printk") ?? [];
  const control = printkLines[0] && printkLines[0] !== "-" ? printkLines[0] : null;
  const sites = printkLines.slice(1).flatMap((l) => parsePrintkSite(l) ?? []);
  return {
    kernel: one("kernel"),
    bootId: one("boot_id"),
    now: Number(one("now")),
    uid: Number(one("uid")),
    sysctl,
    initialNetns: "nf_log_all_netns" in sysctl,
    loggers: parseLoggers(s.get("nf_log") ?? []),
    modules,
    builtinModules: s.get("modules_builtin") ?? [],
    sysModules: s.get("sysmodule") ?? [],
    printk: { control, sites },
    tools: s.get("tools") ?? [],
    window: withSwitch(parseWindow(s.get("window") ?? []), one("switch")),
    journal: parseJournal(s.get("changes") ?? []),
    history: parseHistory(s.get("history") ?? []),
    logSources: parseLogSources(s.get("logsources")),
    installedScripts: s.get("installed") ?? [],
    overdue: parseOverdue(one("overdue")),
  };
}
