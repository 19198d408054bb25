// Identity files made by ssh-keygen: plain, encrypted (public key read from the file header,
// or from FILE.pub for the old PEM format), missing, not a key.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decryptIdentity, loadIdentity } from "../../../src/transport/auth/identityFile.js";
import { writeDamagedKey } from "../../support/damagedKey.js";

const dir = mkdtempSync(join(tmpdir(), "nfdebug-identity-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, ...args: string[]): Buffer {
  execFileSync("ssh-keygen", ["-q", "-C", name, "-f", join(dir, name), ...args]);
  return Buffer.from(readFileSync(join(dir, `${name}.pub`), "utf8").split(" ")[1]!, "base64");
}

test("a plain key is ready, with its public blob", async () => {
  const blob = keygen("plain", "-t", "ed25519", "-N", "");
  const id = await loadIdentity(join(dir, "plain"));
  assert.equal(id.state, "ready");
  assert.ok(id.state === "ready" && id.publicBlob.equals(blob));
});

test("an encrypted OpenSSH key: public blob from the header even without FILE.pub; decrypts with the passphrase only", async () => {
  const blob = keygen("enc", "-t", "ed25519", "-N", "s3cret");
  unlinkSync(join(dir, "enc.pub"));
  const id = await loadIdentity(join(dir, "enc"));
  assert.equal(id.state, "encrypted");
  if (id.state !== "encrypted") return;
  assert.ok(id.publicBlob?.equals(blob));
  assert.ok(decryptIdentity(id.data, Buffer.from("wrong")) instanceof Error);
  const key = decryptIdentity(id.data, Buffer.from("s3cret"));
  assert.ok(!(key instanceof Error) && key.getPublicSSH().equals(blob));
});

test("an encrypted PEM (old format) RSA key: public blob from FILE.pub", async () => {
  const blob = keygen("pem", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "s3cret");
  const id = await loadIdentity(join(dir, "pem"));
  assert.equal(id.state, "encrypted");
  assert.ok(id.state === "encrypted" && id.publicBlob?.equals(blob));
});

test("missing files and non-keys are reported without their content", async () => {
  assert.equal((await loadIdentity(join(dir, "absent"))).state, "missing");
  writeFileSync(join(dir, "junk"), "SECRET-LOOKING CONTENT");
  const junk = await loadIdentity(join(dir, "junk"));
  assert.equal(junk.state, "invalid");
  assert.ok(junk.state === "invalid" && !junk.reason.includes("SECRET"));
  const pubOnly = await loadIdentity(join(dir, "plain.pub"));
  assert.deepEqual(pubOnly.state === "invalid" && pubOnly.reason, "not a private key");
});

test("a damaged key is invalid, and the reason quotes none of its bytes (ssh2's message would)", async () => {
  keygen("damaged-source", "-t", "ed25519", "-N", "");
  const damaged = writeDamagedKey(join(dir, "damaged-source"), join(dir, "damaged"));
  const id = await loadIdentity(damaged.file);
  assert.equal(id.state, "invalid");
  if (id.state !== "invalid") return;
  assert.equal(id.reason, "unsupported or damaged key (Unsupported OpenSSH private key type)");
  for (const secret of damaged.secrets) assert.ok(!id.reason.includes(secret));
});
