import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { shQuote } from "../../../src/shell/quote.js";

test("shQuote leaves plain words alone and single-quotes the rest", () => {
  assert.equal(shQuote("nf_log_ipv4"), "nf_log_ipv4");
  assert.equal(shQuote("a b"), "'a b'");
  assert.equal(shQuote(""), "''");
  assert.equal(shQuote("it's"), "'it'\\''s'");
});

test("shQuote output is the exact literal when a real sh reads it", () => {
  const hostile = [
    "$(reboot)",
    "`id`",
    "a'b\"c",
    "x; rm -rf /",
    "new\nline",
    "tab\there",
    "*",
    "~root",
    "-n",
    "\\",
  ];
  for (const value of hostile) {
    const out = execFileSync("sh", ["-c", `printf '%s' ${shQuote(value)}`], { encoding: "utf8" });
    assert.equal(out, value);
  }
});

test("shQuote refuses NUL, which no shell word can carry", () => {
  assert.throws(() => shQuote("a\0b"), /NUL/);
});
