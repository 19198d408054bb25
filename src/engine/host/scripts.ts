// Loads the host shell scripts (POSIX sh files beside this module) and composes them with the
// generated, quoted argument lines. No user value is ever spliced into script text unquoted.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { shQuote } from "../../shell/quote.js";
import { WINDOW_ID } from "../window.js";

const cache = new Map<string, string>();
function hostFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    // Without the comment lines but the first (the file's title): they are a third of the bytes
    // sent, and the repository has them.
    text = readFileSync(new URL(`./${name}`, import.meta.url), "utf8")
      .split("\n")
      .filter((line, i) => i === 0 || !/^\s*#/.test(line))
      .join("\n");
    cache.set(name, text);
  }
  return text;
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

/** A shell command line: a function name followed by quoted arguments. */
export function call(fn: string, ...args: (string | number)[]): string {
  return [fn, ...args.map((a) => shQuote(String(a)))].join(" ");
}

/**
 * Facts script; `args` are "m:MODULE" and "p:TEXT" filters (quoted as positional parameters);
 * `extraSections` are further snippets whose output becomes a section of their name.
 */
export function factsScript(args: string[], extraSections: { name: string; script: string }[] = []): string {
  const extras = extraSections.map((s) => `nfd_emit "section\${TAB}${s.name}"\n( ${s.script}\n)`);
  return [
    `${hostFile("lib.sh")}\nset -- ${args.map(shQuote).join(" ")}`,
    hostFile("facts.sh"),
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

/**
 * revert.sh or expire.sh as installed: a first line naming the content's hash (nfdebug's version of
 * the file), then the library and the script.
 */
export function installedHostScript(name: "revert.sh" | "expire.sh"): string {
  const body =
    name === "revert.sh"
      ? `${hostFile("lib.sh")}\n${hostFile("snapshot.sh")}\n${hostFile(name)}`
      : `${hostFile("lib.sh")}\n${hostFile(name)}`;
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return `# nfdebug ${name} ${hash}\n${body}`;
}

/**
 * Installs revert.sh and expire.sh on the host: the timer and `nfdebug revert` run the same files.
 * A file whose first line already names this content is left alone (read with the builtin: no
 * process), so only the first apply on a host, or one after an upgrade or reboot, writes them.
 * `installed`: the first lines the facts found; a script listed there is not sent at all (most of
 * the apply's bytes), only checked to be still the same.
 */
function installHostScripts(installed: readonly string[]): string {
  const parts: string[] = ['[ -d "$J" ] || mkdir -p "$J" || exit 3'];
  for (const name of ["revert.sh", "expire.sh"] as const) {
    const text = installedHostScript(name);
    const first = text.slice(0, text.indexOf("\n"));
    const read = `nfd_l=\n{ IFS= read -r nfd_l < "$J/${name}"; } 2>/dev/null`;
    if (installed.includes(first)) {
      parts.push(
        `${read}\nif [ "$nfd_l" != ${shQuote(first)} ]; then`,
        `  nfd_emit "fail\${TAB}remote\${TAB}$J/${name} changed since the facts were read (another nfdebug version?); run the command again"`,
        "  exit 6\nfi",
      );
      continue;
    }
    parts.push(
      `${read}\nif [ "$nfd_l" != ${shQuote(first)} ]; then`,
      // Written beside, then renamed: a half-written revert.sh must never be what the timer runs.
      writeFileScript(`"$J/${name}.new"`, text),
      `mv -f "$J/${name}.new" "$J/${name}"\nfi`,
    );
  }
  return parts.join("\n");
}

export interface ApplyScriptOptions {
  /** First lines of the scripts already installed on the host (HostFacts.installedScripts). */
  installed?: readonly string[];
  /** The script follows the facts script in the same shell, which defined the library already. */
  libraryLoaded?: boolean;
}

/**
 * The apply round trip: library, installed revert/expire scripts, then the generated body.
 * One brace group, because sh parses a group whole before running any of it: a script cut short
 * in transit (the connection dropped) is a syntax error that changes nothing, instead of running
 * its first steps without the final nfd_commit that arms the timer.
 */
export function applyScript(bodyLines: string[], options: ApplyScriptOptions = {}): string {
  return [
    "{",
    ...(options.libraryLoaded ? [] : [hostFile("lib.sh")]),
    installHostScripts(options.installed ?? []),
    hostFile("snapshot.sh"),
    hostFile("apply.sh"),
    ...bodyLines,
    "nfd_commit",
    "}",
  ].join("\n");
}

/** The journal exists but this login cannot read it: not root (and become is off). */
const JOURNAL_ACCESS = `if [ -e "$J" ] && [ ! -r "$J" ]; then nfd_emit "denied\${TAB}$J is not readable by $(id -un 2>/dev/null || echo this user)"; exit 0; fi`;

/** Runs the revert script installed at apply time. */
export function revertScript(options: { force: boolean; window?: string }): string {
  const window = options.window ? windowArg(options.window) : "";
  const args = ["reverted", options.force ? "1" : "0", window].map(shQuote).join(" ");
  return `${hostFile("lib.sh")}\n${JOURNAL_ACCESS}\nif [ ! -f "$J/revert.sh" ]; then nfd_emit "revert\${TAB}none"; exit 0; fi\nexec sh "$J/revert.sh" ${args}`;
}

/** After a dropped apply connection: revert window ID if the apply opened it, else stop it beginning. */
export function cancelScript(window: string): string {
  return `${hostFile("lib.sh")}\n${hostFile("cancel.sh")}\n${call("nfd_cancel", windowArg(window))}`;
}

export function extendScript(window: string, seconds: number): string {
  return `${hostFile("lib.sh")}\n${JOURNAL_ACCESS}\n${hostFile("extend.sh")}\n${call("nfd_extend", windowArg(window), secondsArg(seconds))}`;
}

/** The host library alone, for scripts composed elsewhere (collect). */
export function hostLibrary(): string {
  return hostFile("lib.sh");
}
