// Real INVALID (and printk-triggering) packets inside the VM, sent by the guest's python3 over SSH.
// The TCP/UDP/ICMP kinds run the namespace fleet's packet program unchanged, so both test hosts make
// the same packets; SCTP is VM-only: it exercises the pr_debug sites of nf_conntrack_proto_sctp.c,
// which need CONFIG_DYNAMIC_DEBUG (Debian's 6.1 has it, this machine's 6.18 does not).
import { INVALID_KINDS } from "../netns/packets.js";
import { PACKET_PROGRAM } from "../netns/packet-program.js";
import type { InvalidKind } from "../netns/types.js";
import type { DebianVm } from "./types.js";

export type VmPacketKind = InvalidKind | "sctp-init" | "sctp-bad-crc";
export const VM_PACKET_KINDS: VmPacketKind[] = [...INVALID_KINDS, "sctp-init", "sctp-bad-crc"];

export interface VmFlow {
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

// sctp-init: a valid INIT sent out through lo (conntrack sees it at OUTPUT and PREROUTING; with
// `file nf_conntrack_proto_sctp.c +p` that prints "SCTP_CID_INIT", "Setting vtag ..." lines).
// sctp-bad-crc: the same with a broken CRC32c, injected as received on lo (the CRC is checked only
// for received packets): `nf_ct_proto_132: nf_ct_sctp: bad CRC ...`. Seen on Debian 6.1.
const SCTP_PROGRAM = String.raw`
import json, random, socket, struct, sys
LO = "127.0.0.1"
def csum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
def ipv4(proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randint(1, 65535), 0x4000, 64, proto, 0,
                    socket.inet_aton(LO), socket.inet_aton(LO))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
def sctp_init(sport, dport, bad_crc):
    chunk = struct.pack("!BBHIIHHI", 1, 0, 20, random.randint(1, 2**32 - 1), 65535, 1, 1, random.randint(1, 2**32 - 1))
    common = struct.pack("!HHII", sport, dport, 0, 0) + chunk
    crc = crc32c(common) ^ (0x5A5A5A5A if bad_crc else 0)
    return ipv4(132, common[:8] + struct.pack("<I", crc) + common[12:])
def send_local(packet):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(packet, (LO, 0))
    s.close()
def send_inbound(packet):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("lo", 0))
    s.send(b"\0" * 12 + b"\x08\x00" + packet)
    s.close()
kind, count = sys.argv[1], int(sys.argv[2])
base, dport = random.randint(40000, 59000), random.randint(1024, 9999)
for i in range(count):
    packet = sctp_init(base + i, dport, kind == "sctp-bad-crc")
    (send_inbound if kind == "sctp-bad-crc" else send_local)(packet)
print(json.dumps({"flows": [{"src": LO, "sport": base + i, "dst": LO, "dport": dport} for i in range(count)]}))
`;

/** nftables rules that use ct state, so that conntrack tracks the VM's traffic (DOMAIN.md §11). */
export const TRACKING_RULESET = `table inet nfdtest {}
delete table inet nfdtest
table inet nfdtest {
  chain out { type filter hook output priority 0; ct state invalid counter; }
  chain in { type filter hook input priority 0; ct state invalid counter; }
}
`;

export async function trackConntrack(vm: DebianVm): Promise<void> {
  await vm.run("nft -f -", { input: TRACKING_RULESET });
}

export async function untrackConntrack(vm: DebianVm): Promise<void> {
  await vm.run("nft delete table inet nfdtest 2>/dev/null || true");
}

/** Send `count` packets of `kind` inside the VM (as root); returns the flows they used. */
export async function sendPackets(vm: DebianVm, kind: VmPacketKind, count = 1): Promise<VmFlow[]> {
  if (!VM_PACKET_KINDS.includes(kind))
    throw new Error(`unknown packet kind ${kind}; one of ${VM_PACKET_KINDS.join(", ")}`);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new Error("count must be 1..10000");
  const program = kind.startsWith("sctp-") ? SCTP_PROGRAM : PACKET_PROGRAM;
  // The program comes on stdin (python3 -), so nothing but the validated kind and count is on the command line.
  const stdout = await vm.run(`python3 -I - ${kind} ${count}`, { input: program, timeoutMs: 60_000 });
  return (JSON.parse(stdout) as { flows: VmFlow[] }).flows;
}
