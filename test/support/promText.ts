// A checker of the Prometheus text exposition format (0.0.4), for the textfiles host scripts
// write: what node_exporter's textfile collector would refuse, and the samples it would read.
// promtool check metrics is stricter still (test/integration/engine/textfile.test.ts runs it too
// where it is installed).

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;

/** The samples of TEXT; throws naming the line that breaks the format. */
export function parsePromText(text: string): PromSample[] {
  if (!text.endsWith("\n")) throw new Error("the last line has no newline");
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${JSON.stringify(line)}`;
      const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (meta) {
        if (!NAME.test(meta[2])) throw new Error(`bad metric name, ${where}`);
        if (meta[1] === "TYPE") {
          if (!["counter", "gauge", "untyped", "summary", "histogram"].includes(meta[3]))
            throw new Error(`bad type, ${where}`);
          if (types.has(meta[2])) throw new Error(`second TYPE, ${where}`);
          types.set(meta[2], meta[3]);
        }
        return;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample, ${where}`);
      if (!types.has(m[1])) throw new Error(`sample before its TYPE, ${where}`);
      const labels: Record<string, string> = {};
      for (let rest = m[2] ?? ""; rest;) {
        const l = LABEL.exec(rest);
        if (!l) throw new Error(`bad labels, ${where}`);
        labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
        rest = rest.slice(l[0].length);
      }
      const value = Number(m[3]);
      if (Number.isNaN(value)) throw new Error(`bad value, ${where}`);
      samples.push({ name: m[1], labels, value });
    });
  return samples;
}
