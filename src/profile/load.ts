// Reading a debug profile: YAML syntax, schema, meaning, then normalisation.
import { InputError, type Problem } from "../errors.js";
import { parseYaml, readSourceText, type YamlSource } from "../files/yaml-source.js";
import { schemaProblems } from "../files/schema-problems.js";
import { schemaValidator } from "../files/schema-registry.js";
import { sortProblems } from "../files/source-map.js";
import { profileMeaningProblems } from "./check.js";
import { normaliseProfile, type ProfileDocument } from "./normalise.js";
import type { Profile } from "./types.js";

/** Every problem in a parsed profile file: syntax, schema and meaning. */
export function profileProblems(source: YamlSource): Problem[] {
  if (source.problems.length > 0) return sortProblems(source.problems);
  return sortProblems([
    ...schemaProblems(schemaValidator("profile"), source.data, source.map),
    ...profileMeaningProblems(source.map, source.data),
  ]);
}

/** Parse a profile from text; `file` names it in problems. Throws InputError listing all problems. */
export function parseProfile(text: string, file: string): Profile {
  const source = parseYaml(text, file);
  const problems = profileProblems(source);
  if (problems.length > 0) throw new InputError(`${file}: invalid profile`, problems);
  return normaliseProfile(source.data as ProfileDocument);
}

export async function loadProfile(path: string): Promise<Profile> {
  return parseProfile(await readSourceText(path), path);
}
