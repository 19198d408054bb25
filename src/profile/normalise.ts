// Validated profile data (as written) → the Profile the engine works with.
import { parseDuration } from "../duration.js";
import { parseSize } from "../size.js";
import {
  CAPTURE_DEFAULTS,
  DEFAULT_BUDGET,
  FAMILIES,
  type LogBudget,
  type CaptureSettings,
  type Family,
  type PrintkSelector,
  type Profile,
} from "./types.js";
import { protocolNumber } from "./protocols.js";

/** A profile as written in YAML, after the schema accepted it. */
export interface ProfileDocument {
  apiVersion?: string;
  kind?: string;
  name?: string;
  description?: string;
  log_invalid?: string | number;
  nf_log?: Partial<Record<Family, string>>;
  capture?: { nflog_group?: 0; snaplen?: number; max_bytes?: string | number; max_packets?: number };
  nf_log_all_netns?: boolean;
  conntrack?: Record<string, boolean | number>;
  modules?: string[];
  printk?: Array<{
    file?: string;
    line?: number;
    lines?: string;
    func?: string | string[];
    module?: string;
    format?: string;
    flags?: string;
    optional?: boolean;
  }>;
  window?: string;
  budget?: "off" | { max_rate?: string; max_lines?: number; interval?: string };
}

/** `fallbackName` names an inline runbook profile that has no name of its own. */
export function normaliseProfile(doc: ProfileDocument, fallbackName = "inline"): Profile {
  const profile: Profile = { name: doc.name ?? fallbackName };
  if (doc.description !== undefined) profile.description = doc.description;
  if (doc.log_invalid !== undefined) profile.logInvalid = protocolNumber(doc.log_invalid);
  if (doc.nf_log !== undefined) {
    // Families in kernel order, so that plans and reports list them consistently.
    const nfLog: Partial<Record<Family, string>> = {};
    for (const family of Object.keys(FAMILIES) as Family[]) {
      const logger = doc.nf_log[family];
      if (logger !== undefined) nfLog[family] = logger;
    }
    profile.nfLog = nfLog;
  }
  if (doc.capture !== undefined) profile.capture = normaliseCapture(doc.capture);
  if (doc.nf_log_all_netns !== undefined) profile.nfLogAllNetns = doc.nf_log_all_netns;
  if (doc.conntrack !== undefined)
    profile.conntrack = Object.fromEntries(
      Object.entries(doc.conntrack).map(([field, v]) => [field, typeof v === "boolean" ? Number(v) : v]),
    );
  if (doc.modules !== undefined) profile.modules = [...doc.modules];
  if (doc.printk !== undefined) profile.printk = doc.printk.map(normaliseSelector);
  if (doc.window !== undefined) profile.windowMs = parseDuration(doc.window);
  if (doc.budget !== undefined) profile.budget = doc.budget === "off" ? "off" : normaliseBudget(doc.budget);
  return profile;
}

function normaliseSelector(raw: NonNullable<ProfileDocument["printk"]>[number]): PrintkSelector {
  const selector: PrintkSelector = { flags: raw.flags ?? "p" };
  if (raw.file !== undefined) selector.file = raw.file;
  if (raw.line !== undefined) selector.line = raw.line;
  if (raw.lines !== undefined) {
    const [first, last] = raw.lines.split("-").map(Number);
    selector.line = [first, last];
  }
  if (raw.func !== undefined) selector.func = typeof raw.func === "string" ? [raw.func] : [...raw.func];
  if (raw.module !== undefined) selector.module = raw.module;
  if (raw.format !== undefined) selector.format = raw.format;
  if (raw.optional) selector.optional = true;
  return selector;
}

/** Bounds left out take their defaults: a capture is always bounded. */
function normaliseCapture(raw: NonNullable<ProfileDocument["capture"]>): CaptureSettings {
  const maxBytes = raw.max_bytes === undefined ? undefined : parseSize(String(raw.max_bytes));
  return {
    nflogGroup: 0,
    snaplen: raw.snaplen ?? CAPTURE_DEFAULTS.snaplen,
    maxBytes: maxBytes ?? CAPTURE_DEFAULTS.maxBytes,
    maxPackets: raw.max_packets ?? CAPTURE_DEFAULTS.maxPackets,
  };
}

/** "2000/s" → 2000 per 1 s; fields left out take the default budget's. */
function normaliseBudget(raw: Exclude<NonNullable<ProfileDocument["budget"]>, "off">): LogBudget {
  const budget = { ...DEFAULT_BUDGET };
  if (raw.max_rate !== undefined) {
    const [count, unit] = raw.max_rate.split("/");
    budget.max = Number(count);
    budget.perSeconds = unit === "min" ? 60 : 1;
  }
  if (raw.max_lines !== undefined) budget.maxLines = raw.max_lines;
  if (raw.interval !== undefined) budget.intervalSeconds = Number(raw.interval.replace(/s$/, ""));
  return budget;
}
