// Where command output goes: JSON on stdout with --json, human text otherwise. Every human line
// and warning goes through here, and host text (error messages, values, stderr) is in many of
// them: they reach the terminal only as terminalText, without control characters.
import { terminalText } from "../report/escape.js";

export interface Output {
  json: boolean;
  /** Human lines (stdout); suppressed with --json. */
  line(text?: string): void;
  /** Warnings and progress (stderr); kept with --json since stdout stays pure JSON. */
  warn(text: string): void;
  result(value: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    line: (text = "") => {
      if (!json) process.stdout.write(`${terminalText(text)}\n`);
    },
    warn: (text) => process.stderr.write(`${terminalText(text)}\n`),
    result: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
