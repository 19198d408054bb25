// Turn a byte stream into complete UTF-8 lines without keeping more than one partial line.
import { StringDecoder } from "node:string_decoder";

/** A line grew past the splitter's limit (it never ends: not the output it expected). */
export class LineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`a line longer than ${limit} characters`);
  }
}

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  /** The line being received, in pieces: only new text is searched for a newline. */
  private partial: string[] = [];
  private partialLength = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = Infinity,
  ) {}

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      this.keep(text.slice(start, nl));
      this.emit();
      start = nl + 1;
    }
    this.keep(text.slice(start));
  }

  /** Emit a last line that had no newline. */
  end(): void {
    this.keep(this.decoder.end());
    if (this.partialLength > 0) this.emit();
  }

  private keep(text: string): void {
    if (text === "") return;
    this.partialLength += text.length;
    if (this.partialLength > this.maxLineLength) throw new LineTooLong(this.maxLineLength);
    this.partial.push(text);
  }

  private emit(): void {
    const line = this.partial.length === 1 ? this.partial[0] : this.partial.join("");
    this.partial = [];
    this.partialLength = 0;
    this.onLine(line);
  }
}
