// The host scripts talk back in "@@word\tfield\tfield" lines; everything else is ignored.

export interface HostLine {
  tag: string;
  fields: string[];
}

export function hostLines(stdout: string): HostLine[] {
  const lines: HostLine[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("@@")) continue;
    const [tag, ...fields] = line.slice(2).split("\t");
    lines.push({ tag, fields });
  }
  return lines;
}

export function firstLine(lines: HostLine[], tag: string): HostLine | undefined {
  return lines.find((l) => l.tag === tag);
}
