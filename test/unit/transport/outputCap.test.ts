// The per-script output cap: sizes as users write them, defaults by how output is read, and the
// error a host gets when it sends more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSize, parseSize, sizeArgument } from "../../../src/size.js";
import {
  BUFFERED_OUTPUT_CAP,
  OutputCap,
  STREAMED_OUTPUT_CAP,
  outputCapFor,
} from "../../../src/transport/outputCap.js";
import { HostError } from "../../../src/errors.js";

test("sizes: binary units with or without i/B, bare bytes; junk and zero are not sizes", () => {
  assert.equal(parseSize("64MiB"), 64 * 1024 ** 2);
  assert.equal(parseSize("64M"), 64 * 1024 ** 2);
  assert.equal(parseSize("64mb"), 64 * 1024 ** 2);
  assert.equal(parseSize("512KiB"), 512 * 1024);
  assert.equal(parseSize("1G"), 1024 ** 3);
  assert.equal(parseSize("1048576"), 1048576);
  assert.equal(parseSize("100B"), 100);
  for (const junk of ["", "0", "0M", "-1M", "1.5M", "12 parsecs", "M", "1T", "99999999999999999G"])
    assert.equal(parseSize(junk), undefined, junk);
  assert.equal(formatSize(16 * 1024 ** 2), "16 MiB");
  assert.equal(formatSize(1536), "1.5 KiB");
  assert.equal(formatSize(100), "100 bytes");
  assert.equal(sizeArgument(64 * 1024 ** 2), "64MiB");
  assert.equal(sizeArgument(1000), "1000");
  assert.equal(parseSize(sizeArgument(3 * 1024 ** 3)), 3 * 1024 ** 3);
});

test("defaults: buffered scripts get the smaller cap, streamed reads the larger; a chosen cap is used for both", () => {
  assert.equal(outputCapFor(false), BUFFERED_OUTPUT_CAP);
  assert.equal(outputCapFor(true), STREAMED_OUTPUT_CAP);
  assert.ok(BUFFERED_OUTPUT_CAP < STREAMED_OUTPUT_CAP);
  assert.equal(outputCapFor(false, 1000), 1000);
  assert.equal(outputCapFor(true, 1000), 1000);
});

test("the cap counts every chunk; past it the host fails with kind protocol, naming the cap and the option", () => {
  const cap = new OutputCap(100, "h001");
  assert.equal(cap.take(60), true);
  assert.equal(cap.take(40), true, "exactly the cap is allowed");
  assert.equal(cap.take(1), false);
  const err = new OutputCap(16 * 1024 ** 2, "h001").exceeded();
  assert.ok(err instanceof HostError);
  assert.equal(err.kind, "protocol");
  assert.equal(err.host, "h001");
  assert.match(err.message, /^h001: .*more than 16 MiB of output for one script/);
  assert.match(err.message, /--max-output SIZE \(e\.g\. --max-output 64MiB\)/);
});
