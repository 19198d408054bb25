// Loads the host shell scripts (POSIX sh files beside this module, and each kind's beside its
// TypeScript, src/kinds/) and composes them with the generated, quoted argument lines. No user
// value is ever spliced into script text unquoted.
import { createHash } from "node:crypto";
import { KINDS } from "../../kinds/registry.js";
import { FRAME_SH } from "../../shell/frame.js";
import { call, shQuote } from "../../shell/quote.js";
import { shippedFile } from "../../shell/shipped.js";
import type { LogBudget } from "../../profile/types.js";
import { WINDOW_ID } from "../window.js";

function hostFile(name: string): string {
  return shippedFile(new URL(`./${name}`, import.meta.url));
}
/**
 * The protocol's shell side, then the library (with announce.sh and textfile.sh: the window in the host's log and in node_exporter), NFD_KINDS naming the kinds in registry order
 * (revert.sh and nfd_kind_hooks dispatch by it) and the kinds' own libraries: the top of every
 * script the engine sends.
 */
function library(): string {
  return [
    shippedFile(FRAME_SH),
    hostFile("lib.sh"),
    hostFile("announce.sh"),
    hostFile("textfile.sh"),
    `NFD_KINDS=${shQuote(KINDS.map((k) => k.name).join(" "))}`,
    ...KINDS.flatMap((k) => (k.lib ? [shippedFile(k.lib)] : [])),
  ].join("\n");
}

/** The kinds' apply and revert functions, in registry order. */
function kindsShell(): string {
  return KINDS.map((k) => shippedFile(k.shell)).join("\n");
}

/** The facts awk program: facts.awk's functions, then BEGIN { the kinds' parts; host_state() }. */
function factsAwk(): string {
  return [
    hostFile("facts.awk"),
    "BEGIN {",
    ...KINDS.flatMap((k) => (k.facts.awk ? [shippedFile(k.facts.awk)] : [])),
    "  host_state()",
    "}",
  ].join("\n");
}

/**
 * Arguments that the host scripts use as file names, unit names, journal header lines or in
 * $((arithmetic)): quoting keeps them one word, these checks keep them meaning what they should.
 */
export function windowArg(id: string): string {
  if (!WINDOW_ID.test(id)) throw new Error(`not a window id: ${JSON.stringify(id)}`);
  return id;
}
export function secondsArg(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new Error(`not a number of seconds: ${seconds}`);
  return seconds;
}
/** user@controller as windowOwner() makes it: one header line on the host. */
export function ownerArg(owner: string): string {
  if (!/^[A-Za-z0-9_.@-]{1,100}$/.test(owner))
    throw new Error(`not a window owner: ${JSON.stringify(owner)}`);
  return owner;
}

/** The log budget as nfd_begin takes it: "MAX PER LINES EVERY" (all whole numbers), "" for none. */
export function budgetArg(budget: LogBudget | null): string {
  if (!budget) return "";
  const numbers = [budget.max, budget.perSeconds, budget.maxLines, budget.intervalSeconds];
  if (!numbers.every((n) => Number.isSafeInteger(n) && n > 0))
    throw new Error(`not a log budget: ${numbers.join(" ")}`);
  return numbers.join(" ");
}

export { call } from "../../shell/quote.js";

/**
 * Facts script; `args` are "m:MODULE" and "p:TEXT" filters (quoted as positional parameters);
 * `extraSections` are further snippets whose output becomes a section of their name.
 */
export function factsScript(args: string[], extraSections: { name: string; script: string }[] = []): string {
  const extras = extraSections.flatMap((s) => [call("nfd_emit", `section\t${s.name}`), "(", s.script, ")"]);
  return [
    library(),
    call("set", "--", ...args),
    hostFile("facts.sh"),
    ...KINDS.flatMap((k) => (k.facts.sh ? [shippedFile(k.facts.sh)] : [])),
    call("nfd_facts_awk", factsAwk()),
    ...extras,
    call("nfd_emit", "end"),
  ].join("\n");
}

type InstalledScript = "revert.sh" | "expire.sh";

function installedBody(name: InstalledScript): string {
  return name === "revert.sh"
    ? `${library()}\n${hostFile("snapshot.sh")}\n${kindsShell()}\n${hostFile(name)}`
    : `${library()}\n${hostFile("budget.sh")}\n${hostFile(name)}`;
}

let version: string | undefined;
/**
 * The version of the installed host scripts: a hash of both. A window's journal is always reverted
 * by the revert.sh of the version that wrote it (installed at $J/s/VERSION/, named in the header).
 */
export function hostScriptsVersion(): string {
  version ??= createHash("sha256")
    .update(installedBody("revert.sh"))
    .update("\0")
    .update(installedBody("expire.sh"))
    .digest("hex")
    .slice(0, 16);
  return version;
}

/** revert.sh or expire.sh as installed: a first line naming the version, then the library and the script. */
export function installedHostScript(name: InstalledScript): string {
  return `# nfdebug ${name} ${hostScriptsVersion()}\n${installedBody(name)}`;
}

/**
 * Installs this version's revert.sh and expire.sh on the host (apply.sh's nfd_script_install).
 * `installed`: the versions the facts found; when this one is there its files are not sent at all
 * (most of the apply's bytes), only checked to be still the same.
 */
function installHostScripts(installed: readonly string[]): string {
  const version = hostScriptsVersion();
  const lines = [call("nfd_scripts_dir", version)];
  for (const name of ["revert.sh", "expire.sh"] as const) {
    const text = installedHostScript(name);
    const first = text.slice(0, text.indexOf("\n"));
    lines.push(
      installed.includes(version)
        ? call("nfd_script_check", name, first)
        : call("nfd_script_install", name, first, text),
    );
  }
  return lines.join("\n");
}

export interface ApplyScriptOptions {
  /** Versions of the host scripts already installed on the host (HostFacts.installedScripts). */
  installed?: readonly string[];
  /** The script follows the facts script in the same shell, which defined the library already. */
  libraryLoaded?: boolean;
}

/**
 * The apply round trip: library, the lock, this version's revert/expire scripts, then the
 * generated body (nfd_begin … steps). One brace group, because sh parses a group whole before
 * running any of it: a script cut short in transit (the connection dropped) is a syntax error that
 * changes nothing.
 */
export function applyScript(window: string, bodyLines: string[], options: ApplyScriptOptions = {}): string {
  return [
    "{",
    ...(options.libraryLoaded ? [] : [library()]),
    hostFile("snapshot.sh"),
    kindsShell(),
    hostFile("apply.sh"),
    call("nfd_begin_lock", windowArg(window)),
    installHostScripts(options.installed ?? []),
    ...bodyLines,
    "nfd_commit",
    "}",
  ].join("\n");
}

/** Runs the revert script installed with the open window (the version that wrote its journal). */
export function revertScript(options: { force: boolean; window?: string }): string {
  const window = options.window ? windowArg(options.window) : "";
  const revert = call("nfd_revert_window", "reverted", options.force ? "1" : "0", window);
  return [library(), hostFile("entry.sh"), "nfd_journal_readable", revert].join("\n");
}

/** After a dropped apply connection: revert window ID if the apply opened it, else stop it beginning. */
export function cancelScript(window: string): string {
  return `${library()}\n${hostFile("cancel.sh")}\n${call("nfd_cancel", windowArg(window))}`;
}

export function extendScript(window: string, seconds: number): string {
  const extend = call("nfd_extend", windowArg(window), secondsArg(seconds));
  return [library(), hostFile("entry.sh"), "nfd_journal_readable", hostFile("extend.sh"), extend].join("\n");
}

/** The host library alone, for scripts composed elsewhere (collect). */
export function hostLibrary(): string {
  return library();
}
