// Fingerprints must read exactly like `ssh-keygen -lf` (recorded in fingerprints.txt).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  describeKey,
  keyTypeOfBlob,
  sha256Fingerprint,
} from "../../../src/transport/hostKeys/fingerprint.js";
import { fixture } from "./fixtures.js";

test("SHA256 fingerprints equal ssh-keygen -lf for ed25519, rsa and ecdsa keys", () => {
  const recorded = fixture("fingerprints.txt").trim().split("\n");
  assert.equal(recorded.length, 5);
  for (const [i, name] of ["a", "b", "c", "d", "e"].entries()) {
    const [type, base64] = fixture(`keys/${name}.pub`).split(/\s+/);
    const blob = Buffer.from(base64!, "base64");
    const expected = recorded[i]!.split(" ")[1];
    assert.equal(sha256Fingerprint(blob), expected, name);
    assert.equal(keyTypeOfBlob(blob), type);
    assert.equal(describeKey(blob), `${type} ${expected}`);
  }
});

test("a blob too short to name its type is 'unknown'", () => {
  assert.equal(keyTypeOfBlob(Buffer.from([0, 0])), "unknown");
  assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1])), "unknown");
});
