// Live progress of a fleet command, on stderr:
// - on a TTY, one status line redrawn in place (throttled), failures printed above it;
// - otherwise one plain line per host outcome, for CI logs;
// - with --json, nothing (stdout carries the JSON, stderr stays quiet).

import { stripVTControlCharacters } from "node:util";
import { sanitizeTerminal } from "./escape.js";
import { createStyle, truncate, visibleWidth, type Style } from "./terminal.js";
import { formatDuration } from "../duration.js";

/** The part of a stream progress writes to (process.stderr fits; tests pass a recorder). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  stepStarted(step: string): void;
  hostStarted(name: string, step: string): void;
  hostDone(name: string, ok: boolean, message?: string): void;
  /** Stops redrawing, clears the status line and prints the outcome. Idempotent. */
  finish(): void;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Host names, or how many hosts the command runs on. */
  hosts: string[] | number;
  json?: boolean;
  /** Defaults to stream.isTTY. */
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
  now?: () => number;
  /** Least time between two redraws of the status line (default 100 ms). */
  throttleMs?: number;
  /** Redraw this often even when nothing happens, so elapsed time moves (default 1 s; 0 = never). */
  tickMs?: number;
}

type HostState = "pending" | "running" | "done" | "failed";

export function createProgress(options: ProgressOptions): Progress {
  if (options.json) return { stepStarted() {}, hostStarted() {}, hostDone() {}, finish() {} };
  const isTTY = options.isTTY ?? options.stream.isTTY === true;
  const tracker = new HostTracker(options.hosts, options.now ?? Date.now);
  const style = createStyle({ isTTY, env: options.env ?? {} });
  return isTTY ? new StatusLine(options, tracker, style) : new PlainLines(options.stream, tracker);
}

/** Who is where, shared by both renderings. */
class HostTracker {
  readonly states = new Map<string, HostState>();
  step = "";
  readonly startedMs: number;
  private extra = 0;
  constructor(
    hosts: string[] | number,
    readonly now: () => number,
  ) {
    if (typeof hosts === "number") this.extra = hosts;
    else for (const h of hosts) this.states.set(h, "pending");
    this.startedMs = now();
  }
  set(name: string, state: HostState): void {
    if (!this.states.has(name) && this.extra > 0) this.extra--;
    this.states.set(name, state);
  }
  /** A new step: hosts that finished the last one are pending again; failed hosts stay failed. */
  newStep(step: string): void {
    this.step = step;
    for (const [h, s] of this.states) if (s !== "failed") this.states.set(h, "pending");
  }
  count(state: HostState): number {
    let n = state === "pending" ? this.extra : 0;
    for (const s of this.states.values()) if (s === state) n++;
    return n;
  }
  get total(): number {
    return this.states.size + this.extra;
  }
  elapsed(): string {
    return formatDuration(this.now() - this.startedMs);
  }
}

class PlainLines implements Progress {
  private finished = false;
  constructor(
    private readonly stream: ProgressStream,
    private readonly t: HostTracker,
  ) {}
  stepStarted(step: string): void {
    this.t.newStep(step);
    this.stream.write(`step ${sanitizeTerminal(step)}\n`);
  }
  hostStarted(name: string, step: string): void {
    if (step !== this.t.step) this.t.step = step;
    this.t.set(name, "running");
  }
  hostDone(name: string, ok: boolean, message?: string): void {
    this.t.set(name, ok ? "done" : "failed");
    const why = message ? `: ${message}` : "";
    this.stream.write(sanitizeTerminal(`${name} ${ok ? "ok" : "FAILED"} ${this.t.step}${why}`) + "\n");
  }
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const failed = this.t.count("failed");
    this.stream.write(`done: ${this.t.total - failed} ok, ${failed} failed in ${this.t.elapsed()}\n`);
  }
}

const CLEAR_LINE = "\r\x1b[2K";

class StatusLine implements Progress {
  private lastDraw = -Infinity;
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private finished = false;
  private readonly throttleMs: number;
  constructor(
    private readonly options: ProgressOptions,
    private readonly t: HostTracker,
    private readonly style: Style,
  ) {
    this.throttleMs = options.throttleMs ?? 100;
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) {
      this.ticker = setInterval(() => this.draw(), tickMs);
      this.ticker.unref?.(); // progress must never keep the process alive
    }
  }
  stepStarted(step: string): void {
    this.t.newStep(step);
    this.request();
  }
  hostStarted(name: string, step: string): void {
    this.t.step = step;
    this.t.set(name, "running");
    this.request();
  }
  hostDone(name: string, ok: boolean, message?: string): void {
    this.t.set(name, ok ? "done" : "failed");
    if (!ok) {
      // failures stay on screen: printed above the status line, which is then redrawn at once
      const line = `${this.style.red("✗")} ${sanitizeTerminal(`${name} ${this.t.step}${message ? `: ${message}` : ""}`)}`;
      this.options.stream.write(`${CLEAR_LINE}${line}\n`);
      this.draw();
      return;
    }
    this.request();
  }
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.ticker);
    clearTimeout(this.trailing);
    const failed = this.t.count("failed");
    const ok = this.t.total - failed;
    const summary = `${this.style.green("✓")} ${ok} ok, ${failed ? this.style.red(`${failed} failed`) : "0 failed"} in ${this.t.elapsed()}`;
    this.options.stream.write(`${CLEAR_LINE}${summary}\n`);
  }

  /** Draws now if the last draw is old enough, else once when the throttle allows. */
  private request(): void {
    if (this.finished) return;
    const wait = this.lastDraw + this.throttleMs - this.t.now();
    if (wait <= 0) return this.draw();
    if (this.trailing) return;
    this.trailing = setTimeout(() => {
      this.trailing = undefined;
      this.draw();
    }, wait);
    this.trailing.unref?.();
  }

  private draw(): void {
    if (this.finished) return;
    const { style, t } = this;
    const done = t.count("done");
    const failed = t.count("failed");
    const parts = [
      style.bold(sanitizeTerminal(t.step || "starting")),
      `${done}/${t.total} done`,
      failed ? style.red(`${failed} failed`) : "0 failed",
      `${t.count("running")} running`,
      `${t.count("pending")} pending`,
      style.dim(t.elapsed()),
    ];
    let line = parts.join(" · ");
    const columns = this.options.stream.columns;
    // never wrap: a wrapped status line cannot be redrawn in place
    if (columns && columns > 1 && visibleWidth(line) > columns - 1) {
      line = truncate(stripVTControlCharacters(line), columns - 1);
    }
    this.options.stream.write(CLEAR_LINE + line);
    this.lastDraw = t.now();
  }
}
