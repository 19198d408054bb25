// A sysctl step: one value under /proc/sys/net/netfilter that a plan changes.
/** `from` is "?" when the value cannot be read before an earlier step (a module load) runs. */
export interface SysctlStep {
  kind: "sysctl";
  knob: string;
  /** Below /proc/sys: "net/netfilter/nf_log/2". */
  path: string;
  from: string;
  to: string;
  /**
   * The write may make the kernel load modules (nf_conntrack_log_invalid set non-zero loads
   * nf_log_syslog on 6.17+ when no logger is registered): the host diffs /proc/modules around it,
   * and the step touches state the whole kernel shares.
   */
  loadsModules?: boolean;
}

/** "net/netfilter/nf_log/2" → "net.netfilter.nf_log.2" (sysctl's spelling). */
export function sysctlName(path: string): string {
  return path.replaceAll("/", ".");
}
