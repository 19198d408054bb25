// Real keys made with ssh-keygen, in a test's own temp directory.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup.js";

export interface KeyPair {
  privateFile: string;
  publicLine: string;
  /** "ssh-ed25519" */
  type: string;
  blob: Buffer;
}

export function tempDir(prefix = "nfdebug-transport-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // test users' sshd processes read authorized_keys below it
  onCleanup(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function makeKey(
  dir: string,
  name: string,
  options: { type?: string; passphrase?: string } = {},
): KeyPair {
  const privateFile = join(dir, name);
  const args = [
    "-q",
    "-t",
    options.type ?? "ed25519",
    "-N",
    options.passphrase ?? "",
    "-C",
    name,
    "-f",
    privateFile,
  ];
  if ((options.type ?? "ed25519") === "rsa") args.push("-b", "2048");
  execFileSync("ssh-keygen", args);
  const publicLine = readFileSync(`${privateFile}.pub`, "utf8").trim();
  const [type, base64] = publicLine.split(/\s+/);
  return { privateFile, publicLine, type: type!, blob: Buffer.from(base64!, "base64") };
}
