// Facts recorded on real kernels (test/fixtures/facts/README.md says how each was made), parsed as
// the engine parses them: the 6.18 machine this suite runs on (initial namespace and a netns host)
// and the Debian 12 VM (6.1, loadable modules, dynamic debug) in the states a host goes through.
import { readFileSync } from "node:fs";
import { parseFacts } from "../../src/facts/parse.js";
import type { HostFacts } from "../../src/facts/types.js";
import type { Profile } from "../../src/profile/types.js";

export function factsFixture(name: string): string {
  return readFileSync(new URL(`../../../test/fixtures/facts/${name}`, import.meta.url), "utf8");
}

export const recordedFacts = (name: string): HostFacts => parseFacts(factsFixture(name));
export const netnsFacts = (): HostFacts => recordedFacts("kernel-6.18-netns.txt");
export const initialNetnsFacts = (): HostFacts => recordedFacts("kernel-6.18-initial-netns.txt");

export type Debian61State = "boot" | "nf_conntrack" | "ct-in-use" | "nf_log_ipv4";
export const debian61Facts = (state: Debian61State): HostFacts => recordedFacts(`debian-6.1-${state}.txt`);
export const DEBIAN61_KERNEL = "6.1.0-50-amd64";
/** Debian 13 (trixie), recorded in the same states by the same script. */
export const debian612Facts = (state: Debian61State): HostFacts => recordedFacts(`debian-6.12-${state}.txt`);
export const DEBIAN612_KERNEL = "6.12.117+deb13-amd64";

export const SCTP = "net/netfilter/nf_conntrack_proto_sctp.c";
/** The profile of the VM suite, also the one whose facts request was recorded on the Debian VM. */
export const SCTP_PROFILE: Profile = {
  name: "sctp-deep-dive",
  logInvalid: 132,
  nfLog: { ipv4: "nf_log_ipv4" },
  modules: ["nf_log_ipv4"],
  printk: [{ file: SCTP, line: 164, func: ["do_basic_checks"], flags: "p" }],
};

/**
 * A loadable-module kernel like Debian 12's 6.1, derived from the recorded netns facts: every
 * family unbound, nf_conntrack loaded, two SCTP dynamic-debug sites (one enabled).
 */
export function debianLike(): HostFacts {
  const f = netnsFacts();
  f.kernel = "6.1.0-27-amd64";
  f.modules = { nf_conntrack: 1, nf_tables: 3 };
  f.loggers = Object.fromEntries(
    Array.from({ length: 11 }, (_, n) => [n, { bound: "NONE", registered: [] }]),
  );
  for (let n = 0; n <= 10; n++) f.sysctl[`nf_log/${n}`] = "NONE";
  f.tools = [...f.tools, "modprobe"];
  f.printk = {
    control: "/proc/dynamic_debug/control",
    sites: [
      {
        file: SCTP,
        line: 164,
        module: "nf_conntrack",
        func: "do_basic_checks",
        flags: "_",
        format: "Chunk Num: %d  Type: %d",
      },
      {
        file: SCTP,
        line: 390,
        module: "nf_conntrack",
        func: "nf_conntrack_sctp_packet",
        flags: "p",
        format: "nf_conntrack_sctp_packet: unknown state",
      },
    ],
  };
  return f;
}
