// Map what ssh2 and the socket report before a session is ready to HostError kinds.
import { HostError } from "../errors.js";

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EADDRNOTAVAIL",
  "EPIPE",
]);

export interface ErrorContext {
  host: string;
  /** "web1" or "web1: jump host admin@10.0.0.1:22": how the message names the machine. */
  label: string;
  target: string;
  user: string;
  describeAuthFailure: () => string;
}

type Ssh2Error = Error & { level?: string; code?: string | number };

export function classifyConnectError(err: Ssh2Error, ctx: ErrorContext): HostError {
  const { host, label, target } = ctx;
  const code = typeof err.code === "string" ? err.code : undefined;
  if (code && UNREACHABLE_CODES.has(code)) {
    return new HostError(
      "unreachable",
      host,
      `${label}: cannot connect to ${target}: ${describeCode(code)}`,
      { cause: err },
    );
  }
  if (code === "ETIMEDOUT" || err.level === "client-timeout") {
    return new HostError("timeout", host, `${label}: no answer from ${target} (${err.message})`, {
      cause: err,
    });
  }
  if (err.level === "client-authentication" || /authentication/i.test(err.message)) {
    return new HostError(
      "auth",
      host,
      `${label}: authentication failed for user ${ctx.user} at ${target}: ${ctx.describeAuthFailure()}`,
      { cause: err },
    );
  }
  if (err.level === "protocol" && /before handshake/.test(err.message)) return closedBeforeReady(ctx, err);
  if (err.level === "handshake") {
    return new HostError("remote", host, `${label}: SSH handshake with ${target} failed: ${err.message}`, {
      cause: err,
    });
  }
  return new HostError("unreachable", host, `${label}: connection to ${target} failed: ${err.message}`, {
    cause: err,
  });
}

/** The server hung up before the session was ready (MaxStartups, tcp wrappers, a non-SSH port). */
export function closedBeforeReady(ctx: ErrorContext, cause?: Error): HostError {
  return new HostError(
    "unreachable",
    ctx.host,
    `${ctx.label}: ${ctx.target} closed the connection before the SSH session was ready`,
    { cause },
  );
}

export function connectTimedOut(ctx: ErrorContext, ms: number): HostError {
  return new HostError(
    "timeout",
    ctx.host,
    `${ctx.label}: no SSH session with ${ctx.target} within ${ms} ms (connect timeout)`,
  );
}

function describeCode(code: string): string {
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    EHOSTUNREACH: "no route to host",
    ENETUNREACH: "network unreachable",
    ECONNRESET: "connection reset",
    ENOTFOUND: "unknown host name",
    EAI_AGAIN: "host name lookup failed",
  };
  return `${words[code] ?? "socket error"} (${code})`;
}
