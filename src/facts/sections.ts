// The facts script's output, split into its sections (a "@@section\tNAME" frame, then the section's
// lines, up to the "@@end" frame).
// The host part (src/facts/parse.ts) and each kind (src/kinds/*/facts.ts) read their own sections.
import { MalformedAnswer } from "../errors.js";
import { parseFrame } from "../shell/frame.js";

/** The facts script's last line; anything after it (a follow-up script's output) is not facts. */
export const FACTS_END = "@@end";

export class FactSections {
  private constructor(private readonly sections: Map<string, string[]>) {}

  static parse(output: string): FactSections {
    const sections = new Map<string, string[]>();
    let current: string[] | undefined;
    let ended = false;
    for (const line of output.split("\n")) {
      const tag = parseFrame(line)?.tag;
      if (tag === "section") {
        current = [];
        sections.set(line.slice("@@section\t".length), current);
      } else if (tag === "end") {
        ended = true;
        break;
      } else if (current && line !== "") {
        current.push(line);
      }
    }
    if (!ended) throw new MalformedAnswer("facts output is incomplete (no end marker)");
    return new FactSections(sections);
  }

  /** The section's lines; none when the host printed no such section. */
  lines(name: string): string[] {
    return this.sections.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.sections.has(name);
  }

  /** The section's first line, "" when it has none. */
  first(name: string): string {
    return this.lines(name)[0] ?? "";
  }
}
