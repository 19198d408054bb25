// The interface names a host gave with its capture (collect's ifnames file: "INDEX NAME" lines
// from /sys/class/net/*/ifindex), for NFLOG's interface indexes.

/** "1 lo" lines as index → name. */
export function parseIfnames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split("\n")) {
    const [index, name] = line.split(" ");
    if (/^\d+$/.test(index ?? "") && name) names.set(Number(index), name);
  }
  return names;
}
