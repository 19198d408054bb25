// A systemd journal for a namespace host, so that nfdebug reads its kernel lines from journald.
//
// A namespace host has its own /run (DIR/run), so a journal written to DIR/run/log/journal/
// <machine-id>/ and a /run/systemd/journal directory are that host's alone: `journalctl -k`
// there lists exactly these entries, and nfdebug's source detection prefers journald. The file
// is written by systemd's own writer (systemd-journal-remote, from the journal export format),
// with _TRANSPORT=kernel and this boot's _BOOT_ID, as journald stores kernel messages. Unlike the
// kernel's ring buffer (128 KiB here), a journal holds as many lines as a test needs.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FleetHost } from "./types.js";

export const JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote";

/** Why a journald test cannot run here, or false. */
export function journalUnavailable(): string | false {
  return existsSync(JOURNAL_REMOTE)
    ? false
    : `${JOURNAL_REMOTE} is absent: CI must run "apt-get install -y systemd-journal-remote"`;
}

function journalFile(host: FleetHost): string {
  const machineId = readFileSync("/etc/machine-id", "utf8").trim();
  const dir = join(host.runDir, "log", "journal", machineId);
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(host.runDir, "systemd", "journal"), { recursive: true });
  return join(dir, "kernel.journal");
}

const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/-/g, "");

/**
 * Kernel messages in the journal export format: `count` messages made by `message(i)`, in chunks
 * of 5,000 entries (so that a caller can stream 100,000 without building them all at once).
 */
export function* kernelEntries(count: number, message: (i: number) => string): Generator<string> {
  const boot = bootId();
  const startUs = BigInt(Date.now()) * 1000n;
  const monotonicUs = BigInt(Math.round(performance.now() * 1000)) + 1_000_000n;
  for (let i = 0; i < count;) {
    let chunk = "";
    for (const end = Math.min(count, i + 5000); i < end; i++) {
      chunk +=
        `__REALTIME_TIMESTAMP=${startUs + BigInt(i)}\n__MONOTONIC_TIMESTAMP=${monotonicUs + BigInt(i)}\n` +
        `_BOOT_ID=${boot}\n_TRANSPORT=kernel\nSYSLOG_IDENTIFIER=kernel\nSYSLOG_FACILITY=0\nPRIORITY=5\n` +
        `MESSAGE=${message(i)}\n\n`;
    }
    yield chunk;
  }
}

/**
 * Append entries (journal export format chunks) to the host's journal through
 * systemd-journal-remote. Each host's journal file numbers its entries itself (its own seqnum id),
 * so hosts given the same entries still deliver lines that nfdebug can tell apart.
 */
export async function appendJournalEntries(host: FleetHost, chunks: Iterable<string>): Promise<void> {
  const child = spawn(JOURNAL_REMOTE, ["--split-mode=none", `--output=${journalFile(host)}`, "-"], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  for (const chunk of chunks) {
    if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once("drain", resolve));
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`systemd-journal-remote exited with ${code}: ${stderr}`);
}

/** Append `count` kernel messages made by `message(i)` to the host's journal. */
export function appendKernelMessages(
  host: FleetHost,
  count: number,
  message: (i: number) => string,
): Promise<void> {
  return appendJournalEntries(host, kernelEntries(count, message));
}

/** The peak resident memory (VmHWM, KiB) of a running process, or null once it is gone. */
export function peakRssKiB(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
