// A plan whose second step the kernel refuses (no logger of that name: ENOENT), so the apply rolls
// back the first: for tests of the rollback path on namespace hosts.
export function refusedStepPlan() {
  return {
    steps: [
      {
        kind: "sysctl" as const,
        knob: "log_invalid" as const,
        path: "net/netfilter/nf_conntrack_log_invalid",
        from: "0",
        to: "6",
      },
      {
        kind: "sysctl" as const,
        knob: "nf_log" as const,
        path: "net/netfilter/nf_log/2",
        from: "?",
        to: "nf_log_nosuch",
      },
    ],
    changes: [],
    problems: [],
    warnings: [],
    notes: [],
  };
}
