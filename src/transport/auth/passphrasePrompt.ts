// Ask for a key's passphrase on the controlling terminal, without echo. Never argv, never env:
// those leak into `ps`, shell history and CI logs.
import { openSync, writeSync, closeSync } from "node:fs";
import { ReadStream } from "node:tty";

export type PromptAnswer =
  { kind: "answer"; passphrase: Buffer } | { kind: "no-tty" } | { kind: "cancelled" };
export type PassphrasePrompt = (question: string) => Promise<PromptAnswer>;

export function promptOnTty(ttyPath = "/dev/tty"): PassphrasePrompt {
  return (question) => readHidden(ttyPath, question);
}

function readHidden(ttyPath: string, question: string): Promise<PromptAnswer> {
  let fd: number;
  try {
    fd = openSync(ttyPath, "r+");
  } catch {
    return Promise.resolve({ kind: "no-tty" });
  }
  let input: ReadStream;
  try {
    input = new ReadStream(fd);
    input.setRawMode(true); // raw mode: no echo, and we see each byte
  } catch {
    closeSync(fd);
    return Promise.resolve({ kind: "no-tty" });
  }
  writeSync(fd, question);
  return new Promise((resolve) => {
    const bytes: number[] = [];
    const finish = (answer: PromptAnswer): void => {
      input.off("data", onData);
      input.setRawMode(false);
      writeSync(fd, "\n");
      input.destroy(); // closes fd
      bytes.fill(0);
      resolve(answer);
    };
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (byte === 0x0d || byte === 0x0a) return finish({ kind: "answer", passphrase: Buffer.from(bytes) });
        if (byte === 0x03) return finish({ kind: "cancelled" }); // Ctrl-C
        if (byte === 0x04 && bytes.length === 0) return finish({ kind: "cancelled" }); // Ctrl-D
        if (byte === 0x7f || byte === 0x08) bytes.pop();
        else bytes.push(byte);
      }
      chunk.fill(0);
    };
    input.on("data", onData);
    input.on("error", () => finish({ kind: "no-tty" }));
  });
}
