// Reading a runbook and the profile it names (inline, or a file relative to the runbook).
import { dirname, join } from "node:path";
import { parseDuration } from "../duration.js";
import { InputError, type Problem } from "../errors.js";
import { schemaProblems } from "../files/schema-problems.js";
import { definitionValidator, schemaValidator } from "../files/schema-registry.js";
import { problemAt, sortProblems } from "../files/source-map.js";
import { isRecord } from "../files/value-checks.js";
import { parseYaml, readSourceText, type YamlSource } from "../files/yaml-source.js";
import { profileMeaningProblems } from "../profile/check.js";
import { profileProblems } from "../profile/load.js";
import { normaliseProfile, type ProfileDocument } from "../profile/normalise.js";
import { runbookMeaningProblems, stepKindOf } from "./check.js";
import { CAPTURE_DEFAULTS } from "../profile/types.js";
import { parseSize } from "../size.js";
import {
  DEFAULT_EXEC_TIMEOUT_MS,
  DEFAULT_FLOW_NAME,
  DEFAULT_POLL_MS,
  type Runbook,
  type RunbookStep,
} from "./types.js";

interface Checked {
  problems: Problem[];
  /** The referenced profile file, parsed, when the runbook names one that could be read. */
  profileSource?: YamlSource;
}

/** A referenced profile path as usable from the current directory. */
export function profilePath(runbookFile: string, reference: string): string {
  return join(dirname(runbookFile), reference);
}

async function check(source: YamlSource): Promise<Checked> {
  if (source.problems.length > 0) return { problems: sortProblems(source.problems) };
  const { data, map } = source;
  const problems = [
    ...schemaProblems(schemaValidator("runbook"), data, map),
    ...runbookMeaningProblems(map, data),
  ];
  let profileSource: YamlSource | undefined;
  const profile = isRecord(data) ? data.profile : undefined;
  if (isRecord(profile)) {
    problems.push(...profileMeaningProblems(map, data, ["profile"]));
  } else if (typeof profile === "string" && definitionValidator("runbook", "relativePath")(profile)) {
    const path = profilePath(source.file, profile);
    try {
      profileSource = parseYaml(await readSourceText(path), path);
      const kind = isRecord(profileSource.data) ? profileSource.data.kind : undefined;
      if (typeof kind === "string" && kind !== "DebugProfile") {
        problems.push(
          problemAt(map, ["profile"], `${JSON.stringify(path)} is a ${kind}, not a DebugProfile`),
        );
      } else {
        // The referenced profile's problems are located in its own file.
        problems.push(...profileProblems(profileSource));
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(
        problemAt(
          map,
          ["profile"],
          `cannot read the profile ${JSON.stringify(path)}: ${err.problems[0]?.message.replace(/^cannot read: /, "") ?? err.message}`,
        ),
      );
    }
  }
  return { problems: sortProblems(problems), profileSource };
}

/** Every problem in a runbook and in the profile file it references. */
export async function runbookProblems(source: YamlSource): Promise<Problem[]> {
  return (await check(source)).problems;
}

export async function parseRunbook(text: string, file: string): Promise<Runbook> {
  const source = parseYaml(text, file);
  const { problems, profileSource } = await check(source);
  if (problems.length > 0) throw new InputError(`${file}: invalid runbook`, problems);
  return normaliseRunbook(source, profileSource);
}

export async function loadRunbook(path: string): Promise<Runbook> {
  return parseRunbook(await readSourceText(path), path);
}

interface RunbookDocument {
  name: string;
  description?: string;
  question?: string;
  profile: string | ProfileDocument;
  hosts?: string;
  window?: string;
  steps: Array<string | Record<string, unknown>>;
}

function normaliseRunbook(source: YamlSource, profileSource: YamlSource | undefined): Runbook {
  const doc = source.data as RunbookDocument;
  const profile = normaliseProfile(
    (typeof doc.profile === "string" ? profileSource!.data : doc.profile) as ProfileDocument,
    doc.name,
  );
  const runbook: Runbook = {
    file: source.file,
    name: doc.name,
    profile,
    steps: doc.steps.map((step, index) => {
      const { line, col } = source.map.position(["steps", String(index)], "value");
      return normaliseStep(step, { index, line, col });
    }),
  };
  if (typeof doc.profile === "string") runbook.profileFile = profileSource!.file;
  if (doc.description !== undefined) runbook.description = doc.description;
  if (doc.question !== undefined) runbook.question = doc.question;
  if (doc.hosts !== undefined) runbook.hosts = doc.hosts;
  const windowMs = doc.window !== undefined ? parseDuration(doc.window) : profile.windowMs;
  if (windowMs !== undefined) runbook.windowMs = windowMs;
  return runbook;
}

function normaliseStep(
  step: string | Record<string, unknown>,
  base: { index: number; line: number; col: number },
): RunbookStep {
  const kind = stepKindOf(step)!;
  const body = typeof step === "string" ? undefined : step[kind];
  const ms = (value: unknown) => parseDuration(value as string)!;
  switch (kind) {
    case "exec": {
      const exec = body as { command: string; hosts?: string; timeout?: string };
      const out: RunbookStep = {
        ...base,
        kind,
        command: exec.command,
        timeoutMs: exec.timeout ? ms(exec.timeout) : DEFAULT_EXEC_TIMEOUT_MS,
      };
      if (exec.hosts !== undefined) out.hosts = exec.hosts;
      return out;
    }
    case "wait":
      return { ...base, kind, durationMs: ms(body) };
    case "until": {
      const until = body as { records?: number; reason_id?: string; timeout: string; poll?: string };
      const out: RunbookStep = {
        ...base,
        kind,
        timeoutMs: ms(until.timeout),
        pollMs: until.poll ? ms(until.poll) : DEFAULT_POLL_MS,
      };
      if (until.records !== undefined) out.records = until.records;
      if (until.reason_id !== undefined) out.reasonId = until.reason_id;
      return out;
    }
    case "capture": {
      const c = body as {
        name?: string;
        interface?: string;
        filter: string;
        snaplen?: number;
        max_bytes?: string | number;
        max_packets?: number;
        hosts?: string;
      };
      const maxBytes = c.max_bytes === undefined ? undefined : parseSize(String(c.max_bytes));
      const out: RunbookStep = {
        ...base,
        kind,
        flow: {
          name: c.name ?? DEFAULT_FLOW_NAME,
          interface: c.interface ?? "any",
          filter: c.filter,
          snaplen: c.snaplen ?? CAPTURE_DEFAULTS.snaplen,
          maxBytes: maxBytes ?? CAPTURE_DEFAULTS.maxBytes,
          maxPackets: c.max_packets ?? CAPTURE_DEFAULTS.maxPackets,
        },
      };
      if (c.hosts !== undefined) out.hosts = c.hosts;
      return out;
    }
    default:
      return { ...base, kind: kind as "apply" | "collect" | "revert" | "report" };
  }
}
