// `nfdebug validate`: find out what a file is and report every problem in it.
import { InputError, type Problem } from "../errors.js";
import { inventoryProblems } from "../inventory/load.js";
import { readInventorySource } from "../inventory/source.js";
import { profileProblems } from "../profile/load.js";
import { runbookProblems } from "../runbook/load.js";
import { isRecord } from "./value-checks.js";
import { parseYaml, readSourceText } from "./yaml-source.js";

export type FileKind = "profile" | "runbook" | "inventory" | "unknown";

export interface FileCheck {
  file: string;
  /** "unknown" only when the file could not be read. */
  kind: FileKind;
  problems: Problem[];
}

/** What a file is: `kind: DebugProfile` a profile, `kind: Runbook` a runbook, anything else an inventory. */
export function detectKind(text: string, file: string): Exclude<FileKind, "unknown"> {
  const data = parseYaml(text, file, { vault: "mark" }).data;
  const kind = isRecord(data) ? data.kind : undefined;
  // Broken YAML still says what it wants to be, usually.
  const written = kind ?? /^kind:\s*["']?(DebugProfile|Runbook)["']?\s*(?:#.*)?$/m.exec(text)?.[1];
  if (written === "DebugProfile") return "profile";
  if (written === "Runbook") return "runbook";
  return "inventory";
}

export async function checkFile(file: string): Promise<FileCheck> {
  let text: string;
  try {
    text = await readSourceText(file);
  } catch (err) {
    if (err instanceof InputError) return { file, kind: "unknown", problems: err.problems };
    throw err;
  }
  const kind = detectKind(text, file);
  switch (kind) {
    case "profile":
      return { file, kind, problems: profileProblems(parseYaml(text, file)) };
    case "runbook":
      return { file, kind, problems: await runbookProblems(parseYaml(text, file)) };
    case "inventory":
      return { file, kind, problems: inventoryProblems(await readInventorySource(file)) };
  }
}

/** Every problem in a profile, runbook or inventory file (empty when it is valid). */
export async function validateFile(file: string): Promise<Problem[]> {
  return (await checkFile(file)).problems;
}
