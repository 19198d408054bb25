// sudo's own stderr lines, as sudo 1.9 on Debian 12 prints them with -n.
import { test } from "node:test";
import assert from "node:assert/strict";
import { becomeFailure } from "../../../src/transport/becomeFailure.js";
import type { HostSpec } from "../../../src/inventory/types.js";

const host: HostSpec = {
  name: "web1",
  address: "a",
  port: 22,
  user: "deploy",
  identityFiles: [],
  groups: [],
  become: true,
  jump: [],
};

test("a password prompt sudo could not show is a become failure with the agreed message", () => {
  for (const stderr of [
    "sudo: a password is required\n",
    "sudo: a terminal is required to read the password; either use the -S option\n",
  ]) {
    const err = becomeFailure(host, { stdout: "", stderr, code: 1 });
    assert.equal(err?.kind, "become");
    assert.equal(
      err?.message,
      "sudo requires a password for deploy on web1; configure NOPASSWD or log in as root",
    );
  }
});

test("missing sudo is a become failure; a script's own exit 1 is not", () => {
  assert.match(
    becomeFailure(host, { stdout: "", stderr: "sh: 1: sudo: not found\n", code: 127 })!.message,
    /sudo is not installed on web1/,
  );
  assert.equal(becomeFailure(host, { stdout: "", stderr: "grep: x: No such file\n", code: 1 }), null);
  assert.equal(
    becomeFailure(host, { stdout: "", stderr: "x\nsudo: a password is required\n", code: 1 }),
    null,
  );
  assert.equal(becomeFailure(host, { stdout: "", stderr: "sudo: a password is required\n", code: 0 }), null);
});
