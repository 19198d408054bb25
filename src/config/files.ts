// The two config files: the user's ($XDG_CONFIG_HOME/nfdebug/config.yaml) and the project's
// (./nfdebug.yaml). Each is validated by schemas/config.schema.json; a bad one is an input error
// naming FILE:LINE:COL.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InputError, type Problem } from "../errors.js";
import { parseYaml, readSourceText } from "../files/yaml-source.js";
import { schemaProblems } from "../files/schema-problems.js";
import { schemaValidator } from "../files/schema-registry.js";
import { SETTINGS, checkValue } from "./settings.js";

/** One value a file sets, already resolved (paths against the file's directory). */
export interface FileValue {
  value: string | string[] | boolean;
  file: string;
  line: number;
}

export type FileValues = Map<string, FileValue>;

export function userConfigFile(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".config");
  return join(base, "nfdebug", "config.yaml");
}

export function projectConfigFile(cwd: string): string {
  return join(cwd, "nfdebug.yaml");
}

/** The settings a config file holds, keyed by option ("known-hosts"); empty when there is no file. */
export async function readConfigFile(file: string): Promise<FileValues> {
  const values: FileValues = new Map();
  if (!existsSync(file)) return values;
  const source = parseYaml(await readSourceText(file), file);
  if (source.problems.length > 0) throw new InputError(`${file}: invalid`, source.problems);
  // An empty file (or one of comments only) sets nothing.
  if (source.data === null || source.data === undefined) return values;
  const schemaIssues = schemaProblems(schemaValidator("config"), source.data, source.map);
  if (schemaIssues.length > 0) throw new InputError(`${file}: invalid`, schemaIssues);
  const data = source.data as Record<string, unknown>;
  const problems: Problem[] = [];
  const base = dirname(resolve(file));
  for (const s of SETTINGS) {
    if (!s.inFile || !(s.option in data)) continue;
    const raw = data[s.option];
    const { line, col } = source.map.position([s.option], "value");
    try {
      checkValue(s, raw);
    } catch (err) {
      problems.push({ file, line, col, message: `${s.option}: ${(err as Error).message}` });
      continue;
    }
    let value: string | string[] | boolean;
    if (s.kind === "path") value = resolve(base, String(raw));
    else if (s.kind === "paths")
      value = (Array.isArray(raw) ? raw : [raw]).map((p) => resolve(base, String(p)));
    else if (s.kind === "switch") value = raw as boolean;
    else value = String(raw);
    values.set(s.option, { value, file, line });
  }
  if (problems.length > 0) throw new InputError(`${file}: invalid`, problems);
  return values;
}
