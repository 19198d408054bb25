// The Python program that makes INVALID packets inside a host (run with the system's /usr/bin/python3:
// raw sockets need nothing beyond the standard library, and it starts in ~20 ms, scapy in ~600 ms).
//
// Two ways out:
// - send_local: an IPPROTO_RAW socket. The packet passes conntrack at OUTPUT and again at PREROUTING
//   on lo, so it is judged twice (two kernel lines, two counts).
// - send_inbound: an AF_PACKET socket on lo. The packet appears as received only, so conntrack sees it
//   once, at PREROUTING: the only hook where it verifies UDP and ICMP checksums.
//
// argv: KIND COUNT. Prints {"flows": [...]} as JSON.
export const PACKET_PROGRAM = String.raw`
import json, random, socket, struct, sys

LO = "127.0.0.1"

def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF

def ipv4(proto, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randint(1, 65535), 0x4000,
                         64, proto, 0, socket.inet_aton(LO), socket.inet_aton(LO))
    return header[:10] + struct.pack("!H", csum(header)) + header[12:] + payload

def pseudo(proto, length):
    return socket.inet_aton(LO) + socket.inet_aton(LO) + struct.pack("!BBH", 0, proto, length)

def tcp(sport, dport, seq, ack, flags, window=1024):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, window, 0, 0)
    return ipv4(6, seg[:16] + struct.pack("!H", csum(pseudo(6, len(seg)) + seg)) + seg[18:])

def udp(sport, dport, payload, bad_checksum):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    good = csum(pseudo(17, len(seg)) + seg) or 0xFFFF
    value = (good ^ 0x5A5A) or 1 if bad_checksum else good
    return ipv4(17, seg[:6] + struct.pack("!H", value) + seg[8:])

def icmp(icmp_type, code, rest, bad_checksum=False):
    msg = struct.pack("!BBH", icmp_type, code, 0) + rest
    value = csum(msg) ^ (0x1234 if bad_checksum else 0)
    return ipv4(1, msg[:2] + struct.pack("!H", value) + msg[4:])

def send_local(packet):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(packet, (LO, 0))
    s.close()

def send_inbound(packet):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("lo", 0))
    s.send(b"\0" * 12 + b"\x08\x00" + packet)
    s.close()

def flow(sport, dport):
    return {"src": LO, "sport": sport, "dst": LO, "dport": dport}

def out_of_window(count, over):
    # A real connection; its initial sequence numbers are read from a raw socket that sees every
    # TCP segment entering this namespace. Then segments far outside the window are injected.
    sniff = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    sniff.settimeout(5)
    server = socket.socket()
    server.bind((LO, 0))
    server.listen(1)
    sport_server = server.getsockname()[1]
    client = socket.create_connection((LO, sport_server))
    accepted, _ = server.accept()
    cport = client.getsockname()[1]
    client_isn = server_isn = None
    while client_isn is None or server_isn is None:
        data = sniff.recv(65535)
        ihl = (data[0] & 15) * 4
        sp, dp, seq, _ack, _off, flags = struct.unpack("!HHIIBB", data[ihl:ihl + 14])
        if (sp, dp) == (cport, sport_server) and flags & 0x12 == 0x02:
            client_isn = seq
        if (sp, dp) == (sport_server, cport) and flags & 0x12 == 0x12:
            server_isn = seq
    seq, ack = (client_isn + 1) & 0xFFFFFFFF, (server_isn + 1) & 0xFFFFFFFF
    if over == "ack":
        ack = (ack + 0x40000000) & 0xFFFFFFFF
    else:
        seq = (seq + 0x40000000) & 0xFFFFFFFF
    for _ in range(count):
        send_local(tcp(cport, sport_server, seq, ack, 0x10, window=65000))
    for s in (client, accepted, server, sniff):
        s.close()
    return [flow(cport, sport_server)]

def main(kind, count):
    base = random.randint(40000, 59000)
    # Source ports from base up, wrapping past 65535 to 1024: a flood of 10,000 from base 59,000 must
    # not overflow the 16-bit field.
    sport = lambda i: 1024 + (base - 1024 + i) % 64512
    dport = random.randint(1024, 9999)
    flows = []
    if kind == "tcp-bad-flags":
        for i in range(count):
            send_local(tcp(sport(i), dport, 1, 0, 0x06))  # SYN+RST
            flows.append(flow(sport(i), dport))
    elif kind == "tcp-out-of-window":
        flows = out_of_window(count, "ack")
    elif kind == "tcp-seq-out-of-window":
        flows = out_of_window(count, "seq")
    elif kind == "udp-bad-checksum":
        for i in range(count):
            send_inbound(udp(sport(i), dport, b"nfdebug", True))
            flows.append(flow(sport(i), dport))
    elif kind == "icmp":
        for i in range(count):
            send_local(icmp(99, 0, b"\0\0\0\0"))  # no such type (valid ones end at 18)
    elif kind == "icmp-short":
        for i in range(count):
            send_local(ipv4(1, b"\x08\x00\x00\x00"))  # 4 of the 8 header bytes
    elif kind == "icmp-bad-checksum":
        for i in range(count):
            send_inbound(icmp(8, 0, struct.pack("!HH", base & 0xFFFF, i + 1) + b"nfdebug!", True))
    else:
        raise SystemExit("unknown kind " + kind)
    print(json.dumps({"flows": flows}))

main(sys.argv[1], int(sys.argv[2]))
`;
