// ProxyJump values: `none`, or comma-separated hops `[user@]host[:port]` / `ssh://[user@]host[:port]`,
// with IPv6 addresses in brackets.

export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
  /** Only from an inventory; a ProxyJump hop takes its keys from its own ssh_config block. */
  identityFiles?: string[];
}

/** Returns the hops (outermost first), [] for `none`, or an error message. */
export function parseProxyJump(value: string): JumpSpec[] | string {
  if (value.toLowerCase() === "none") return [];
  const hops: JumpSpec[] = [];
  for (const raw of value.split(",")) {
    const hop = parseHop(raw.trim());
    if (typeof hop === "string") return hop;
    hops.push(hop);
  }
  return hops;
}

function parseHop(text: string): JumpSpec | string {
  let rest = text.startsWith("ssh://") ? text.slice("ssh://".length).replace(/\/$/, "") : text;
  const spec: Partial<JumpSpec> = {};
  const at = rest.lastIndexOf("@");
  if (at !== -1) {
    spec.user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (spec.user === "") return `empty user in jump host "${text}"`;
  }
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    spec.host = bracketed[1];
    portText = bracketed[2];
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon !== -1 && rest.indexOf(":") === colon) {
      spec.host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    } else spec.host = rest;
  }
  if (!spec.host || /[\s/]/.test(spec.host)) return `invalid jump host "${text}"`;
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `invalid port in jump host "${text}"`;
    spec.port = port;
  }
  return spec as JumpSpec;
}

export function formatJumpSpec(spec: JumpSpec): string {
  const host = spec.host.includes(":") ? `[${spec.host}]` : spec.host;
  return `${spec.user ? `${spec.user}@` : ""}${host}${spec.port ? `:${spec.port}` : ""}`;
}
