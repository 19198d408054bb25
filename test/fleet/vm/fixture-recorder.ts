// Records real outputs of the VM's Debian 6.1 kernel into test/fixtures/debian-6.1/, for parsers
// written elsewhere. Run by `node scripts/vm.mjs record-fixtures`; every file is named after the
// command that made it, and README.md lists them in the order they were taken (state matters:
// e.g. nf_log before and after modprobe).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shQuote } from "../../../src/shell/quote.js";
import { sendPackets, trackConntrack } from "./packets.js";
import { sleep } from "./openssh.js";
import type { DebianVm } from "./types.js";

interface Recorded {
  file: string;
  command: string;
  note: string;
}

const SCTP_SITES = "file net/netfilter/nf_conntrack_proto_sctp.c +p";
const KMSG = "dd if=/dev/kmsg iflag=nonblock bs=8192 2>/dev/null";

export async function recordFixtures(vm: DebianVm, outDir: string): Promise<Recorded[]> {
  mkdirSync(outDir, { recursive: true });
  const recorded: Recorded[] = [];
  const record = async (file: string, command: string, note: string) => {
    const result = await vm.ssh(command);
    if (result.code !== 0) throw new Error(`${command} exited with ${result.code}: ${result.stderr.trim()}`);
    writeFileSync(join(outDir, file), result.stdout);
    recorded.push({ file, command, note });
    return result.stdout;
  };
  const step = (command: string) => vm.run(command);

  // A fresh boot: nothing of netfilter loaded yet.
  await record("uname-r.txt", "uname -r", "kernel release");
  await record(
    "cat-proc-sys-kernel-random-boot_id.txt",
    "cat /proc/sys/kernel/random/boot_id",
    "boot id (changes on every boot)",
  );
  await record(
    "systemd-run--version.txt",
    "systemd-run --version",
    "systemd version and features (systemd-run exists)",
  );
  await record(
    "ls-sys-kernel-debug.txt",
    "ls /sys/kernel/debug",
    "debugfs is mounted by systemd; dynamic_debug/ is there too",
  );
  await record(
    "cat-proc-net-netfilter-nf_log.boot.txt",
    "cat /proc/net/netfilter/nf_log",
    "fresh boot: no logger registered for any family",
  );
  await record("lsmod.boot.txt", "lsmod", "fresh boot (no nf_conntrack, no nf_log_syslog)");
  await record(
    "modprobe--resolve-alias-nf_log_ipv4.txt",
    "modprobe --resolve-alias nf_log_ipv4",
    "the old module name is an alias of nf_log_syslog",
  );
  await record(
    "sysctl-net.netfilter.boot.txt",
    "sysctl -a 2>/dev/null | grep -E 'netfilter'",
    "fresh boot: only nf_log.N and nf_log_all_netns exist until nf_conntrack is loaded",
  );

  await step("modprobe nf_log_ipv4");
  await record(
    "cat-proc-net-netfilter-nf_log.after-modprobe-nf_log_ipv4.txt",
    "cat /proc/net/netfilter/nf_log",
    "after `modprobe nf_log_ipv4`: nf_log_syslog registered and bound families 2, 3, 5, 7, 10",
  );
  await step("modprobe nf_conntrack");
  await record(
    "cat-proc-net-netfilter-nf_log.after-modprobe-nf_conntrack.txt",
    "cat /proc/net/netfilter/nf_log",
    "after also `modprobe nf_conntrack`",
  );
  await record("lsmod.txt", "lsmod", "after modprobe nf_log_ipv4 and nf_conntrack");
  await record("cat-proc-modules.txt", "cat /proc/modules", "after modprobe nf_log_ipv4 and nf_conntrack");
  await record(
    "grep-netfilter-modules.builtin.txt",
    "grep -E 'netfilter|/nf_' /lib/modules/$(uname -r)/modules.builtin || true",
    "built-in netfilter code (Debian builds it as modules: empty or nearly)",
  );
  await record(
    "sysctl-net.netfilter.txt",
    "sysctl -a 2>/dev/null | grep -E 'netfilter'",
    "after modprobe nf_conntrack",
  );
  await record(
    "grep-netfilter-proc-dynamic_debug-control.txt",
    "grep netfilter /proc/dynamic_debug/control",
    "printk sites of netfilter, including nf_conntrack_proto_sctp.c (after modprobe nf_conntrack)",
  );
  await record(
    "wc-l-proc-dynamic_debug-control.txt",
    "wc -l /proc/dynamic_debug/control",
    "number of sites + 1 header line",
  );

  // Real INVALID packets, logged (DOMAIN.md §1-§3, §11).
  await step("sysctl -w net.netfilter.nf_conntrack_log_invalid=255 net.netfilter.nf_log.2=nf_log_ipv4");
  await trackConntrack(vm);
  const cursor = await journalCursor(vm);
  await sendPackets(vm, "tcp-bad-flags", 1);
  await sendPackets(vm, "udp-bad-checksum", 1);
  await waitForJournal(vm, cursor, ["nf_ct_proto_6:", "nf_ct_proto_17:"]);
  await record(
    "invalid.journalctl-k-o-json.jsonl",
    `journalctl -k -o json --after-cursor=${shQuote(cursor)} --grep 'nf_ct_proto_'`,
    "one SYN+RST raw TCP segment to 127.0.0.1 (2 lines: OUTPUT and PREROUTING) and one UDP datagram with a bad checksum injected on lo (1 line), as journald stores them",
  );
  await record(
    "invalid.journalctl-k.txt",
    `journalctl -k --after-cursor=${shQuote(cursor)} --grep 'nf_ct_proto_'`,
    "the same lines in journalctl's default format",
  );
  await record("invalid.dmesg.txt", "dmesg | grep 'nf_ct_proto_'", "the same lines in dmesg");
  await record(
    "cat-proc-net-stat-nf_conntrack.txt",
    "cat /proc/net/stat/nf_conntrack",
    "per-CPU counters in hex after the INVALID packets",
  );
  await record("conntrack-S.txt", "conntrack -S", "the same counters as conntrack prints them");
  await record("conntrack-C.txt", "conntrack -C", "number of conntrack entries");
  await record(
    "nft-list-table-inet-nfdtest.txt",
    "nft list table inet nfdtest",
    "the ct state invalid rules that made conntrack track the traffic, with counters",
  );

  // A dynamic-debug site: SCTP pr_debug lines (priority 7) and an SCTP INVALID line.
  await step(`echo '${SCTP_SITES}' > /proc/dynamic_debug/control`);
  await record(
    "grep-nf_conntrack_proto_sctp-proc-dynamic_debug-control.enabled.txt",
    "grep nf_conntrack_proto_sctp /proc/dynamic_debug/control",
    `after \`echo '${SCTP_SITES}' > /proc/dynamic_debug/control\`: flags =p`,
  );
  const sctpCursor = await journalCursor(vm);
  await sendPackets(vm, "sctp-init", 1);
  await sendPackets(vm, "sctp-bad-crc", 1);
  // "Setting vtag %x for new conn" is printed for an INIT on 6.1 and 6.12 (6.1 also prints "Chunk
  // Num:" and "SCTP_CID_INIT" from do_basic_checks and sctp_new_state, sites 6.12 no longer has).
  await waitForJournal(vm, sctpCursor, ["Setting vtag", "nf_ct_proto_132:"]);
  await record(
    "printk-sctp.journalctl-k-o-json.jsonl",
    `journalctl -k -o json --after-cursor=${shQuote(sctpCursor)}`,
    "pr_debug lines of nf_conntrack_proto_sctp.c for one SCTP INIT sent to 127.0.0.1 (PRIORITY 7), then one INIT with a bad CRC injected on lo (nf_ct_proto_132: nf_ct_sctp: bad CRC)",
  );
  await record(
    "printk-sctp.journalctl-k.txt",
    `journalctl -k --after-cursor=${shQuote(sctpCursor)}`,
    "the same lines in journalctl's default format",
  );
  await record(
    "printk-sctp.dmesg.txt",
    "dmesg | grep -E -A 200 -m 1 'Chunk Num:|Setting vtag'",
    "the same lines in dmesg (from the first pr_debug line on)",
  );

  // Positions and raw records (DOMAIN.md §10).
  await record(
    "journalctl-k-o-json-n-20--show-cursor.txt",
    "journalctl -k -o json -n 20 --show-cursor",
    "last 20 kernel records as JSON, then the `-- cursor: ...` line",
  );
  await record(
    "journalctl-k--show-cursor-n-5.txt",
    "journalctl -k --show-cursor -n 5",
    "last 5 kernel records, default format, then the cursor",
  );
  await record(
    "dev-kmsg.head.txt",
    `${KMSG} | head -n 20`,
    "first records of /dev/kmsg (PRIORITY,SEQ,USEC,FLAGS;MESSAGE and ' KEY=value' continuation lines)",
  );
  await record(
    "dev-kmsg.tail.txt",
    `${KMSG} | tail -n 40`,
    "last records of /dev/kmsg: the INVALID and pr_debug lines with their sequence numbers",
  );
  await record(
    "dmesg-r-tail.txt",
    "dmesg -r | tail",
    "raw dmesg: <facility*8+level> prefixes (pr_debug lines <7>, the INVALID lines <5>)",
  );
  await record("dmesg-tail.txt", "dmesg | tail", "dmesg default format");

  const osName = /^PRETTY_NAME="?([^"\n]*)/m.exec(await vm.run("cat /etc/os-release"))?.[1] ?? "Debian";
  writeFileSync(join(outDir, "README.md"), renderReadme(recorded, (await vm.run("uname -r")).trim(), osName));
  return recorded;
}

async function journalCursor(vm: DebianVm): Promise<string> {
  const out = await vm.run("journalctl -k -n 0 --show-cursor");
  const match = /^-- cursor: (\S+)$/m.exec(out);
  if (!match) throw new Error(`no cursor in ${JSON.stringify(out)}`);
  return match[1];
}

/** journald reads /dev/kmsg asynchronously: wait until every marker has arrived after `cursor`. */
async function waitForJournal(vm: DebianVm, cursor: string, markers: string[]): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const out = await vm.run(`journalctl -k -o cat --after-cursor=${shQuote(cursor)}`);
    if (markers.every((m) => out.includes(m))) return;
    await sleep(500);
  }
  throw new Error(`kernel lines ${markers.join(", ")} did not reach the journal`);
}

function renderReadme(recorded: Recorded[], release: string, osName: string): string {
  const rows = recorded.map((r) => `| \`${r.file}\` | \`${r.command.replace(/\|/g, "\\|")}\` | ${r.note} |`);
  return `# Recorded outputs: ${osName}, kernel ${release} (qemu VM)

Real outputs of the Debian VM test host (test/fleet/vm), for parsers and their unit tests.
Recorded by \`node scripts/vm.mjs record-fixtures\` on one fresh boot, in the order below (the
state matters: modules are loaded, knobs set and packets sent between some of the commands).
Commands ran as root over SSH. Re-recording changes boot ids, timestamps, cursors and counters.

Steps between the commands:
1. fresh boot; the \`*.boot.txt\` files are taken first;
2. \`modprobe nf_log_ipv4\`, then \`modprobe nf_conntrack\`;
3. \`sysctl -w net.netfilter.nf_conntrack_log_invalid=255 net.netfilter.nf_log.2=nf_log_ipv4\`, an nftables table
   \`inet nfdtest\` with \`ct state invalid counter\` in output and input, then one SYN+RST TCP segment to
   127.0.0.1 (raw socket) and one UDP datagram with a bad checksum injected as received on lo
   (AF_PACKET) — the packet programs of test/fleet/netns/packet-program.ts;
4. \`echo '${SCTP_SITES}' > /proc/dynamic_debug/control\`, one SCTP INIT sent to 127.0.0.1 and one
   with a bad CRC32c injected on lo (test/fleet/vm/packets.ts).

| File | Command | What it shows |
| --- | --- | --- |
${rows.join("\n")}
`;
}
