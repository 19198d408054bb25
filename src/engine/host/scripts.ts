// Loads the host shell scripts (POSIX sh files beside this module, and each kind's beside its
// TypeScript, src/kinds/) and composes them with the generated, quoted argument lines. No user
// value is ever spliced into script text unquoted.
import { createHash } from "node:crypto";
import { KINDS } from "../../kinds/registry.js";
import { FRAME_SH } from "../../shell/frame.js";
import { call, shQuote } from "../../shell/quote.js";
import { shippedFile } from "../../shell/shipped.js";
import { WINDOW_ID } from "../window.js";

function hostFile(name: string): string {
  return shippedFile(new URL(`./${name}`, import.meta.url));
}
/** The protocol's shell side, then the library: the top of every script the engine sends. */
function library(): string {
  return `${shippedFile(FRAME_SH)}\n${hostFile("lib.sh")}`;
}

/** The kinds' shell files, in registry order, and NFD_KINDS naming them (revert.sh dispatches by it). */
function kindsShell(): string {
  return [
    `NFD_KINDS=${shQuote(KINDS.map((k) => k.name).join(" "))}`,
    ...KINDS.map((k) => shippedFile(k.shell)),
  ].join("\n");
}

/** The facts awk program (one shell word): facts.awk's functions, then BEGIN { the kinds' parts; host_state() }. */
function factsAwk(): string {
  const program = [
    hostFile("facts.awk"),
    "BEGIN {",
    ...KINDS.flatMap((k) => (k.facts.awk ? [shippedFile(k.facts.awk)] : [])),
    "  host_state()",
    "}",
  ].join("\n");
  if (program.includes("'")) throw new Error("the facts awk program must not contain a single quote");
  return `awk -v kernel="$NFD_KERNEL" -v ddctl="$NFD_DDCTL" -v pats="$NFD_PATS" -v sysctls="$NFD_SYSCTLS" -v J="$J" -v P="$P" '\n${program}'`;
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

export { call } from "../../shell/quote.js";

/**
 * Facts script; `args` are "m:MODULE" and "p:TEXT" filters (quoted as positional parameters);
 * `extraSections` are further snippets whose output becomes a section of their name.
 */
export function factsScript(args: string[], extraSections: { name: string; script: string }[] = []): string {
  const extras = extraSections.map((s) => `nfd_emit "section\${TAB}${s.name}"\n( ${s.script}\n)`);
  return [
    `${library()}\nset -- ${args.map(shQuote).join(" ")}`,
    hostFile("facts.sh"),
    ...KINDS.flatMap((k) => (k.facts.sh ? [shippedFile(k.facts.sh)] : [])),
    factsAwk(),
    ...extras,
    'nfd_emit "end"',
  ].join("\n");
}

const HEREDOC_MARKER = "NFDEBUG_EOF";

/**
 * Shell that writes `body` verbatim to `path` (a shell word, e.g. "$J/revert.sh"): a quoted heredoc
 * expands nothing, so the body needs no quoting — only the marker must not occur in it.
 */
export function writeFileScript(path: string, body: string): string {
  if (body.includes(HEREDOC_MARKER))
    throw new Error(`a script written to ${path} must not contain the heredoc marker`);
  return `cat > ${path} <<'${HEREDOC_MARKER}'\n${body}\n${HEREDOC_MARKER}`;
}

type InstalledScript = "revert.sh" | "expire.sh";

function installedBody(name: InstalledScript): string {
  return name === "revert.sh"
    ? `${library()}\n${hostFile("snapshot.sh")}\n${kindsShell()}\n${hostFile(name)}`
    : `${library()}\n${hostFile(name)}`;
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
 * Installs this version's revert.sh and expire.sh on the host, under the lock (nfd_begin_lock ran
 * before): the timer and `nfdebug revert` run these files. `installed`: the versions the facts
 * found; when this one is there its files are not sent at all (most of the apply's bytes), only
 * checked to be still the same. Written beside, then renamed: a half-written revert.sh is never
 * what a timer runs; a write that fails (a full /run) stops the apply before any change.
 */
function installHostScripts(installed: readonly string[]): string {
  const dir = `"$J/s/$NFD_SCRIPTS"`;
  const parts: string[] = [
    `NFD_SCRIPTS=${hostScriptsVersion()}`,
    `[ -d ${dir} ] || mkdir -p ${dir} 2>/dev/null || { nfd_storage_fail "$J/s"; exit 3; }`,
  ];
  for (const name of ["revert.sh", "expire.sh"] as const) {
    const text = installedHostScript(name);
    const first = text.slice(0, text.indexOf("\n"));
    const read = `nfd_l=\n{ IFS= read -r nfd_l < ${dir}/${name}; } 2>/dev/null`;
    if (installed.includes(hostScriptsVersion())) {
      parts.push(
        `${read}\nif [ "$nfd_l" != ${shQuote(first)} ]; then`,
        `  nfd_emit "fail\${TAB}remote\${TAB}$J/s/$NFD_SCRIPTS/${name} changed since the facts were read; run the command again"`,
        "  exit 6\nfi",
      );
      continue;
    }
    parts.push(
      `${read}\nif [ "$nfd_l" != ${shQuote(first)} ]; then`,
      `{\n${writeFileScript(`${dir}/${name}.new`, text)}\n} 2>/dev/null && mv -f ${dir}/${name}.new ${dir}/${name} || { rm -f ${dir}/${name}.new; nfd_storage_fail ${dir}/${name}; exit 3; }`,
      "fi",
    );
  }
  return parts.join("\n");
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

/** The journal exists but this login cannot read it: not root (and become is off). */
const JOURNAL_ACCESS = `if [ -e "$J" ] && [ ! -r "$J" ]; then nfd_emit "denied\${TAB}$J is not readable by $(id -un 2>/dev/null || echo this user)"; exit 0; fi`;

/** Runs the revert script installed with the open window (the version that wrote its journal). */
export function revertScript(options: { force: boolean; window?: string }): string {
  const window = options.window ? windowArg(options.window) : "";
  const args = ["reverted", options.force ? "1" : "0", window].map(shQuote).join(" ");
  return `${library()}\n${JOURNAL_ACCESS}\nnfd_window_read\nnfd_revert_path\nif [ -z "$NFD_REVERT" ]; then nfd_emit "revert\${TAB}none"; exit 0; fi\nexec sh "$NFD_REVERT" ${args}`;
}

/** After a dropped apply connection: revert window ID if the apply opened it, else stop it beginning. */
export function cancelScript(window: string): string {
  return `${library()}\n${hostFile("cancel.sh")}\n${call("nfd_cancel", windowArg(window))}`;
}

export function extendScript(window: string, seconds: number): string {
  return `${library()}\n${JOURNAL_ACCESS}\n${hostFile("extend.sh")}\n${call("nfd_extend", windowArg(window), secondsArg(seconds))}`;
}

/** The host library alone, for scripts composed elsewhere (collect). */
export function hostLibrary(): string {
  return library();
}
