// Where command output goes: JSON on stdout with --json, human text otherwise.

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
      if (!json) process.stdout.write(`${text}\n`);
    },
    warn: (text) => process.stderr.write(`${text}\n`),
    result: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
