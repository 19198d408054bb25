// Host text on the terminal: escape sequences and control characters never get through; lines,
// tabs and ordinary text (accents, arrows, CJK) do. --json stays faithful.
import { test } from "node:test";
import assert from "node:assert/strict";
import { terminalText } from "../../../src/report/escape.js";
import { createOutput } from "../../../src/cli/output.js";

const ESC = "\u001b";
const BEL = "\u0007";
/** A window title change, a screen clear, a line overwritten with \r, colours, a C1 CSI. */
const HOSTILE =
  `kernel ${ESC}]0;owned${BEL}6.1.0${ESC}[2J${ESC}[H\rFAKE: all hosts ok` +
  `\n\tvalue=${ESC}[31m6${ESC}[0m\u009b2Jend\u0000\u007f${ESC}P+q${ESC}\\`;

/** Any character a terminal would act on rather than print (C0 but \n and \t, DEL, C1). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test("a hostile string loses its escape sequences and control characters, keeps lines and tabs", () => {
  const clean = terminalText(HOSTILE);
  assert.doesNotMatch(clean, CONTROL);
  assert.equal(clean, "kernel 6.1.0FAKE: all hosts ok\n\tvalue=6end+q\\");
});

test("an OSC sequence the pattern does not parse (spaces in the title) is still defused", () => {
  const clean = terminalText(`a${ESC}]2;my new title${BEL}b`);
  assert.doesNotMatch(clean, CONTROL);
  assert.match(clean, /^a.*new titleb$/, "only printable leftovers remain");
});

test("ordinary text passes unchanged", () => {
  const text =
    "h001: window 20261125T123440-beae open until 2026-11-25T12:44:40.000Z\n  * a: 0 -> 6 → é 中文\t|";
  assert.equal(terminalText(text), text);
});

test("CLI output: human lines and warnings are cleaned, --json carries the exact string", () => {
  const written: { stdout: string[]; stderr: string[] } = { stdout: [], stderr: [] };
  const { stdout, stderr } = process;
  const realOut = stdout.write;
  const realErr = stderr.write;
  stdout.write = ((chunk: string) => written.stdout.push(chunk) > 0) as typeof stdout.write;
  stderr.write = ((chunk: string) => written.stderr.push(chunk) > 0) as typeof stderr.write;
  try {
    createOutput(false).line(`h001: ${HOSTILE}`);
    createOutput(false).warn(`h001: ${HOSTILE}`);
    createOutput(true).result({ message: HOSTILE });
  } finally {
    stdout.write = realOut;
    stderr.write = realErr;
  }
  const [human, json] = written.stdout;
  assert.doesNotMatch(human, CONTROL);
  assert.doesNotMatch(written.stderr[0], CONTROL);
  assert.equal(human, `h001: ${terminalText(HOSTILE)}\n`);
  assert.doesNotMatch(
    json.slice(0, -1),
    /[\u0000-\u0009\u000b-\u001f]/,
    "JSON escapes C0 controls (not DEL or C1)",
  );
  assert.equal((JSON.parse(json) as { message: string }).message, HOSTILE);
});
