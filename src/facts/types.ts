import type { CaptureFacts } from "../kinds/capture/facts.js";
import type { ModuleFacts } from "../kinds/module/facts.js";
import type { PrintkFacts } from "../kinds/printk/facts.js";
import type { SysctlFacts } from "../kinds/sysctl/facts.js";
import type { SourceDetection } from "../logs/sources/detect.js";

// What nfdebug knows about one host, read in one round trip by src/engine/host/facts.sh: the host's
// own state, and each kind's facts (declared in its folder).
export type { LoggerFamily } from "../kinds/sysctl/facts.js";
export type { PrintkSite } from "../kinds/printk/facts.js";

export interface JournalEntry {
  /** The change type as journaled: "KIND:KNOB" ("sysctl:nf_log"), or the kind alone (older journals). */
  kind: string;
  key: string;
  from: string;
  to: string;
}

export interface WindowState {
  id: string;
  owner: string;
  profile: string;
  started: number;
  expires: number;
  bootId: string;
  state: string;
  timerUnit?: string;
  watchdogPid?: number;
  /** The dead-man's switch: alive, dead (killed, or lost), or none (--no-timer). */
  switch?: "alive" | "dead" | "none";
  /** The log budget the host enforces (header "budget=MAX PER MAXLINES EVERY"), when there is one. */
  budget?: WindowBudget;
}

export interface WindowBudget {
  /** "2000/s" or "500/min". */
  maxRate: string;
  maxLines: number;
  intervalS: number;
  /** What the sampler wrote ($J/budget): lines counted, when, or why it cannot enforce. */
  counted?: number;
  sampledAt?: number;
  unenforced?: string;
}

export interface HistoryEvent {
  event: "opened" | "closed" | "extended";
  window: string;
  at: number;
  /** opened: boot id; closed: how (reverted, expired, reboot, ...-drift); extended: new expiry. */
  detail: string;
  fields: string[];
}

export interface HostState {
  kernel: string;
  bootId: string;
  /** Host clock, epoch seconds, when the facts were read. */
  now: number;
  uid: number;
  tools: string[];
  window: WindowState | null;
  journal: JournalEntry[];
  history: HistoryEvent[];
  /** Kernel log sources, most preferred first (null when detection printed nothing usable). */
  logSources: SourceDetection | null;
  /** First lines of the revert.sh and expire.sh installed on the host (each names its content hash). */
  installedScripts: string[];
  /** A window past its expiry that the facts script found unreverted and reverted first. */
  overdue: { window: string; outcome: string } | null;
}

export type HostFacts = HostState & SysctlFacts & ModuleFacts & PrintkFacts & CaptureFacts;
