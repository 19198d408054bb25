import { test } from "node:test";
import assert from "node:assert/strict";
import { matchPattern, matchPatternList } from "../../../src/transport/hostPatterns.js";

test("wildcards: * matches any run, ? exactly one character", () => {
  assert.ok(matchPattern("web1.example.com", "*.example.com"));
  assert.ok(matchPattern("db1", "db?"));
  assert.ok(!matchPattern("db12", "db?"));
  assert.ok(matchPattern("", "*"));
  assert.ok(matchPattern("abcabcabd", "*abd"));
  assert.ok(!matchPattern("example.com", "*.example.com"));
  assert.ok(matchPattern("[10.0.0.1]:2222", "[10.0.0.?]:*"));
});

test("lists: a negated match vetoes, negations alone never match", () => {
  assert.equal(matchPatternList("app.corp", "*.corp,!bastion.corp"), 1);
  assert.equal(matchPatternList("bastion.corp", "*.corp,!bastion.corp"), -1);
  assert.equal(matchPatternList("other", "!bastion.corp"), 0);
  assert.equal(matchPatternList("WEB1", "web1"), 1);
  assert.equal(matchPatternList("Alice", "alice", false), 0);
});
