// Inventory checks beyond the schema: unique host names and addresses that really are addresses.
import { isIPv4, isIPv6 } from "node:net";
import type { Problem } from "../errors.js";
import { definitionValidator } from "../files/schema-registry.js";
import { isRecord } from "../files/value-checks.js";
import { problemAt, showValue, type SourceMap } from "../files/source-map.js";

export function inventoryMeaningProblems(map: SourceMap, data: unknown): Problem[] {
  if (!isRecord(data) || !Array.isArray(data.hosts)) return [];
  const problems: Problem[] = [];
  const firstSeen = new Map<string, number>();
  // ssh takes one way to reach a host: a ProxyJump or a ProxyCommand, not both.
  const bothProxies = (fields: unknown, at: string[]) => {
    if (isRecord(fields) && fields.jump !== undefined && fields.proxy_command !== undefined)
      problems.push(problemAt(map, [...at, "proxy_command"], "set jump or proxy_command, not both"));
  };
  bothProxies(data.defaults, ["defaults"]);
  data.hosts.forEach((host, index) => {
    if (!isRecord(host) || typeof host.name !== "string") return;
    const at = ["hosts", String(index)];
    bothProxies(host, at);
    const first = firstSeen.get(host.name);
    if (first !== undefined) {
      const { line } = map.position(["hosts", String(first), "name"], "value");
      problems.push(
        problemAt(
          map,
          [...at, "name"],
          `duplicate host name ${showValue(host.name)} (first defined at line ${line})`,
        ),
      );
    } else {
      firstSeen.set(host.name, index);
    }
    if (typeof host.address === "string") {
      const problem = addressProblem(host.address);
      if (problem) problems.push(problemAt(map, [...at, "address"], problem));
    } else if (host.address === undefined) {
      // Without an address the name is what we connect to.
      const problem = addressProblem(host.name, true);
      if (problem) problems.push(problemAt(map, [...at, "name"], problem));
    }
  });
  return problems;
}

/** Digits-and-dots must be a real IPv4 address, anything with ":" a real IPv6 address. */
function addressProblem(address: string, isName = false): string | undefined {
  const suffix = isName ? " (set address: the name is used as the address when there is none)" : "";
  if (isName && !definitionValidator("inventory", "address")(address)) {
    return `${showValue(address)} is not a host name, IPv4 or IPv6 address${suffix}`;
  }
  if (/^[0-9.]+$/.test(address) && !isIPv4(address))
    return `${showValue(address)} is not a valid IPv4 address${suffix}`;
  if (address.includes(":") && !isIPv6(address.replace(/%.*$/, ""))) {
    return `${showValue(address)} is not a valid IPv6 address${suffix}`;
  }
  return undefined;
}
