// A stand-in `journalctl` for the journald reader's unit tests: it serves a file of
// `journalctl -o json` lines ($NFD_JOURNAL) the way journalctl does:
//   --cursor=C   starts at C (at the start when C is gone);  -n 1  prints the newest entry;
//   --help       mentions --output-fields;                    --output-fields limits the fields;
//   -o export    the export format: __CURSOR, __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP,
//                _BOOT_ID, then the fields; a value with control characters, or not UTF-8 (a byte
//                array in the JSON), as binary (its name, a little-endian 64-bit length, the bytes);
//   -o json      the lines as they are.
// Exits with $NFD_TEST_EXIT (default 0); appends its arguments to $NFD_FAKE_DIR/args.
const SCRIPT = String.raw`
const { appendFileSync, readFileSync } = require("node:fs");
const args = process.argv.slice(2);
if (process.env.NFD_FAKE_DIR) appendFileSync(process.env.NFD_FAKE_DIR + "/args", args.join(" ") + "\n");
if (args.includes("--help")) {
  console.log("  --output-fields=LIST  Select fields to print in verbose/export/json modes");
  process.exit(0);
}
const lines = readFileSync(process.env.NFD_JOURNAL, "utf8").split("\n").filter((l) => l.startsWith("{"));
const option = (name) => (args.find((a) => a.startsWith(name + "=")) || "").slice(name.length + 1);
const cursor = option("--cursor");
const fields = option("--output-fields").split(",").filter(Boolean);
let from = cursor ? lines.findIndex((l) => JSON.parse(l).__CURSOR === cursor) : 0;
if (from < 0) from = 0;
const chosen = args.includes("-n") ? lines.slice(-1) : lines.slice(from);
const ALWAYS = ["__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID"];
const out = [];
for (const line of chosen) {
  if (args[args.indexOf("-o") + 1] !== "export") {
    out.push(Buffer.from(line + "\n"));
    continue;
  }
  const entry = JSON.parse(line);
  const rest = Object.keys(entry).filter((k) => !ALWAYS.includes(k) && (fields.length === 0 || fields.includes(k)));
  for (const name of [...ALWAYS, ...rest]) {
    const value = entry[name];
    if (value === undefined) continue;
    if (Array.isArray(value) || /[\x00-\x1f\x7f]/.test(value)) {
      const bytes = Buffer.from(Array.isArray(value) ? value : Buffer.from(value, "utf8"));
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(bytes.length));
      out.push(Buffer.from(name + "\n"), size, bytes, Buffer.from("\n"));
    } else out.push(Buffer.from(name + "=" + value + "\n"));
  }
  out.push(Buffer.from("\n"));
}
process.stdout.write(Buffer.concat(out));
process.exitCode = Number(process.env.NFD_TEST_EXIT || 0);
`;

/** The body of a fake `journalctl` for fakeCommands (run-script.ts). */
export const FAKE_JOURNALCTL = `exec node - "$@" <<'NFD_JS'\n${SCRIPT}\nNFD_JS`;
