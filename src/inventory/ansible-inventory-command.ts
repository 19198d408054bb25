// Dynamic inventories (scripts, `plugin:` files, inventory directories) are read by running
// Ansible's own `ansible-inventory -i SOURCE --list` and reading its JSON: nfdebug then sees
// the hosts and variables that Ansible would, whatever plugin produced them.
import { execFile } from "node:child_process";

export const ANSIBLE_INVENTORY_TIMEOUT_MS = 120_000;
const STDERR_LINES = 8;

/** The parsed JSON, or why there is none (a sentence about `source`). */
export async function ansibleInventoryList(
  source: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ json: unknown } | { error: string }> {
  const timeoutMs = options.timeoutMs ?? ANSIBLE_INVENTORY_TIMEOUT_MS;
  const env = {
    ...(options.env ?? process.env),
    // Ansible only warns about a source it cannot parse and lists the others: a fleet quietly
    // missing hosts is worse than a failure here.
    ANSIBLE_INVENTORY_UNPARSED_FAILED: "True",
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: "True",
    ANSIBLE_NOCOLOR: "1",
  };
  return new Promise((done) => {
    execFile(
      "ansible-inventory",
      ["-i", source, "--list"],
      { env, timeout: timeoutMs, maxBuffer: 1 << 30, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) return done({ error: failure(err, stderr, timeoutMs) });
        try {
          done({ json: JSON.parse(stdout) as unknown });
        } catch {
          done({ error: `ansible-inventory --list printed something that is not JSON${quote(stderr)}` });
        }
      },
    );
  });
}

function failure(
  err: Error & { code?: number | string | null; killed?: boolean },
  stderr: string,
  timeoutMs: number,
): string {
  if (err.code === "ENOENT") {
    return "this is a dynamic inventory (a script, a plugin file or a directory), which nfdebug reads with ansible-inventory, and ansible-inventory is not installed: install the ansible-core package (Debian, Ubuntu: apt-get install ansible-core) or pip install ansible-core";
  }
  if (err.killed)
    return `ansible-inventory --list did not finish within ${timeoutMs / 1000} s${quote(stderr)}`;
  const status = typeof err.code === "number" ? `exited with status ${err.code}` : err.message;
  return `ansible-inventory --list ${status}${quote(stderr)}`;
}

/** The first lines of stderr, indented under the message. */
function quote(stderr: string): string {
  const all = stderr.split("\n").filter((l) => l.trim() !== "");
  // Ansible prints its warnings first and the reason it gave up last.
  const lines = [...all.filter((l) => l.startsWith("ERROR!")), ...all.filter((l) => !l.startsWith("ERROR!"))];
  if (lines.length === 0) return "";
  const shown = lines.slice(0, STDERR_LINES).map((l) => `    ${l}`);
  if (lines.length > STDERR_LINES) shown.push(`    (${lines.length - STDERR_LINES} more lines)`);
  return `:\n${shown.join("\n")}`;
}
