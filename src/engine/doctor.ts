// What a host supports, and what to do about each missing piece. Pure: derived from facts.
import type { HostFacts } from "../facts/types.js";
import { KINDS } from "../kinds/registry.js";
import type { Capability } from "../kinds/types.js";

export type { Capability };

export function diagnose(facts: HostFacts, become: boolean): Capability[] {
  const caps: Capability[] = [];
  const add = (name: string, ok: boolean, value: string, fix?: string) =>
    caps.push({ name, ok, value, ...(ok ? {} : { fix }) });
  add("kernel", true, facts.kernel);
  add("initial netns", true, facts.initialNetns ? "yes" : "no (container or namespace)");
  // What each kind needs from the host (its own words: src/kinds/*/kind.ts).
  for (const kind of KINDS) for (const c of kind.doctor(facts)) add(c.name, c.ok, c.value, c.fix);
  const sources = [
    facts.tools.includes("journalctl") && facts.tools.includes("systemd") ? "journald" : "",
    facts.tools.includes("kmsg") ? "kmsg" : "",
    facts.tools.includes("dmesg") ? "dmesg" : "",
    facts.tools.includes("kern.log") ? "kern.log" : "",
    facts.tools.includes("messages") ? "messages" : "",
  ].filter(Boolean);
  add(
    "log sources",
    sources.length > 0,
    sources.join(",") || "none",
    "nfdebug needs /dev/kmsg, dmesg, journald or a syslog file to collect",
  );
  add(
    "expiry timer",
    facts.tools.includes("systemd") || facts.tools.includes("setsid"),
    facts.tools.includes("systemd")
      ? "systemd-run"
      : facts.tools.includes("setsid")
        ? "watchdog (setsid)"
        : "none",
    "install util-linux (setsid) or run systemd, so windows close by themselves",
  );
  add(
    "root",
    facts.uid === 0,
    facts.uid === 0 ? (become ? "via sudo" : "yes") : `uid ${facts.uid}`,
    "log in as root or set become: true with passwordless sudo",
  );
  add(
    "conntrack tool",
    facts.tools.includes("conntrack"),
    facts.tools.includes("conntrack") ? "yes" : "no",
    "install conntrack for table counts and lists",
  );
  return caps;
}
