// What a host supports, and what to do about each missing piece. Pure: derived from facts.
import type { HostFacts } from "../facts/types.js";
import { FAMILIES } from "../profile/types.js";
import { kernelAtLeast } from "../knobs/kernelVersion.js";

export interface Capability {
  name: string;
  ok: boolean;
  value: string;
  /** What to do when not ok. */
  fix?: string;
}

export function diagnose(facts: HostFacts, become: boolean): Capability[] {
  const caps: Capability[] = [];
  const add = (name: string, ok: boolean, value: string, fix?: string) =>
    caps.push({ name, ok, value, ...(ok ? {} : { fix }) });
  add("kernel", true, facts.kernel);
  add("initial netns", true, facts.initialNetns ? "yes" : "no (container or namespace)");
  const li = facts.sysctl["nf_conntrack_log_invalid"];
  add("log_invalid", li !== undefined, li ?? "absent", "load nf_conntrack (add it to the profile's modules)");
  const families = Object.entries(FAMILIES).map(([family, n]) => {
    const f = facts.loggers[n];
    return `${family}=${f ? f.bound : "?"}`;
  });
  const registered = [...new Set(Object.values(facts.loggers).flatMap((l) => l.registered))];
  add("nf_log bindings", true, families.join(" "));
  const hasSyslog = registered.some((r) => r.startsWith("nf_log_"));
  add(
    "registered loggers",
    hasSyslog,
    registered.join(",") || "none",
    kernelAtLeast(facts.kernel, 5, 13)
      ? "add nf_log_syslog to the profile's modules"
      : "add nf_log_ipv4 / nf_log_ipv6 to the profile's modules",
  );
  add(
    "nf_log_all_netns",
    facts.initialNetns,
    facts.sysctl["nf_log_all_netns"] ?? "unavailable",
    "set it on the machine that hosts this namespace; lines from containers need it there",
  );
  const modules =
    facts.modules === null
      ? "no module support (all built in)"
      : `${Object.keys(facts.modules).length} loaded`;
  add(
    "modules",
    facts.modules === null || facts.tools.includes("modprobe"),
    modules,
    "install kmod (modprobe) to let profiles load modules",
  );
  add(
    "dynamic debug",
    facts.printk.control !== null,
    facts.printk.control ?? "absent",
    "needs CONFIG_DYNAMIC_DEBUG; with it, mount debugfs or use a 5.6+ kernel for /proc/dynamic_debug/control",
  );
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
