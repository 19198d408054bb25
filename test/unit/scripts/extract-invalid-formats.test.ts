// scripts/extract-invalid-formats.mjs on a tiny tree written here: C written for this test in the
// shapes the kernel's trackers use (not kernel code), one shape per protocol.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../files/repo-root.js";
import { withTempTree } from "./temp-tree.js";

const SCRIPT = join(REPO_ROOT, "scripts", "extract-invalid-formats.mjs");

const TREE: Record<string, string> = {
  Makefile: "VERSION = 9\nPATCHLEVEL = 8\nSUBLEVEL = 7\nEXTRAVERSION = -test\nNAME = x\n",
  // Old style: a guard names the protocol, the text carries the tag, strings are concatenated.
  "net/netfilter/nf_conntrack_proto_udp.c": `
#define GUARD(n, p) (n)
static int udp_check(struct net *net, int len, int ok)
{
	if (len < 8 && LOG_INVALID(net, IPPROTO_UDP))
		nf_log_packet(net, 2, 0, NULL, NULL, NULL, NULL,
			      "nf_ct_udp: too " /* a comment "in between" */
			      "short ");
	if (!ok && LOG_INVALID(net, IPPROTO_UDPLITE))
		nf_log_packet(net, 2, 0, NULL, NULL, NULL, NULL, "nf_ct_udplite: %s ",
			      len > 9 ? "long" : "odd \\"len\\"");
	return 0;
}
`,
  // New style: a wrapper taking the text as a parameter, and a local assigned texts.
  "net/netfilter/nf_conntrack_proto_sctp.c": `
static void sctp_log(const struct sk_buff *skb, const char *msg)
{
	nf_l4proto_log_invalid(skb, NULL, IPPROTO_SCTP, "%s", msg);
}

static bool sctp_check(const struct sk_buff *skb, int x)
{
	const char *why;

	if (x == 1) {
		sctp_log(skb, "first");
		return true;
	}
	if (x == 2)
		why = "nf_ct_sctp: second ";
	else
		why = "nf_ct_sctp: third ";
	nf_l4proto_log_invalid(skb, NULL, IPPROTO_SCTP, "%s", why);
	nf_ct_l4proto_log_invalid(skb, NULL, NULL, "state %s at %u\\n", names[x], x);
	return false;
}
`,
  // A variadic wrapper passes its caller's format on with %pV; its own call is not a format.
  "net/netfilter/nf_conntrack_proto_tcp.c": `
__printf(3, 4)
static int tcp_log(const struct sk_buff *skb, int ret, const char *fmt, ...)
{
	nf_ct_l4proto_log_invalid(skb, NULL, NULL, "%pV", &vaf);
	return ret;
}

static int tcp_window(const struct sk_buff *skb, unsigned int bound)
{
	return tcp_log(skb, 1, "over bound %u", bound);
}
`,
  "net/ipv4/netfilter/nf_conntrack_proto_icmp.c": `
static void inet_error(const struct sk_buff *skb, u8 l4proto, int v6)
{
	if (v6)
		nf_l4proto_log_invalid(skb, NULL, l4proto, "inner %pI6", NULL);
	else
		nf_l4proto_log_invalid(skb, NULL, l4proto, "inner %pI4", NULL);
}
`,
};

function extract(files: Record<string, string>) {
  return withTempTree("nfdebug-formats-", files, (dir) =>
    spawnSync(process.execPath, [SCRIPT, "--repository", "someone/linux", dir], { encoding: "utf8" }),
  );
}

test("texts, protocols and the version come out of each call shape", () => {
  const result = extract(TREE);
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout) as {
    source: Record<string, unknown>;
    formats: Array<{ protocol: string; text: string; format: string; function: string }>;
  };
  assert.deepEqual(
    { ...out.source, files: undefined },
    { repository: "someone/linux", commit: null, version: "9.8.7", extraversion: "-test", files: undefined },
  );
  assert.deepEqual(
    out.formats.map((f) => [f.protocol, f.text]),
    [
      ["icmp", "inner %pI4"],
      ["icmpv6", "inner %pI6"],
      ["sctp", "first"],
      ["sctp", "second"],
      ["sctp", "state %s at %u"],
      ["sctp", "third"],
      ["tcp", "over bound %u"],
      ["udp", "too short"],
      ["udplite", "long"],
      ["udplite", 'odd "len"'],
    ],
  );
  const udp = out.formats.find((f) => f.text === "too short");
  assert.equal(udp?.format, "nf_ct_udp: too short ");
  assert.equal(udp?.function, "udp_check");
});

test("a folder without conntrack sources is not a kernel tree", () => {
  const result = extract({ Makefile: TREE.Makefile });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /not a kernel tree/);
});
