// The profile whose facts request the recording scripts send (record-vm-facts.mjs on the Debian
// VM, record-local-facts.mjs on this machine): the VM suite's, so both machines answer the same
// request.
export const RECORDING_PROFILE = {
  name: "sctp-deep-dive",
  logInvalid: 132,
  nfLog: { ipv4: "nf_log_ipv4" },
  modules: ["nf_log_ipv4"],
  printk: [{ file: "net/netfilter/nf_conntrack_proto_sctp.c", flags: "p" }],
};
