// Dynamic inventories (scripts, `plugin:` files, inventory directories) are read by running
// Ansible's own `ansible-inventory -i SOURCE --list` and reading its JSON: nfdebug then sees
// the hosts and variables that Ansible would, whatever plugin produced them.
import { spawn } from "node:child_process";

export const ANSIBLE_INVENTORY_TIMEOUT_MS = 120_000;
const STDERR_LINES = 8;
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

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
    // In its own process group, so that a timeout also ends the script or the cloud client that
    // ansible-inventory started (they would otherwise hold its output open).
    const child = spawn("ansible-inventory", ["-i", source, "--list"], {
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => stdout.push(d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    // Out of the terminal's process group, it would not see a Ctrl-C that ends nfdebug: pass the
    // signal on, then let it end nfdebug as it would have (when nobody else handles it).
    const onExit = () => killGroup(child.pid);
    const onSignal = (signal: NodeJS.Signals) => {
      killGroup(child.pid);
      finished();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once("exit", onExit);
    for (const signal of SIGNALS) process.once(signal, onSignal);
    const finished = () => {
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      finished();
      done({
        error: err.code === "ENOENT" ? NOT_INSTALLED : `ansible-inventory could not start: ${err.message}`,
      });
    });
    child.on("close", (code, signal) => {
      finished();
      if (timedOut)
        return done({
          error: `ansible-inventory --list did not finish within ${timeoutMs / 1000} s${quote(stderr)}`,
        });
      if (code !== 0) {
        const status = code === null ? `was killed by ${signal}` : `exited with status ${code}`;
        return done({ error: `ansible-inventory --list ${status}${quote(stderr)}` });
      }
      try {
        done({ json: JSON.parse(Buffer.concat(stdout).toString("utf8")) as unknown });
      } catch {
        done({ error: `ansible-inventory --list printed something that is not JSON${quote(stderr)}` });
      }
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

const NOT_INSTALLED =
  "this is a dynamic inventory (a script, a plugin file or a directory), which nfdebug reads with ansible-inventory, and ansible-inventory is not installed: install the ansible-core package (Debian, Ubuntu: apt-get install ansible-core) or pip install ansible-core";

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
