// How the JSON Schemas in schemas/ are compiled with ajv (2020-12, strict, all errors). The build
// (scripts/build-validators.mjs) turns them into standalone validator code, so that nfdebug does
// not pay ajv's compilation at every start; schema-registry.ts compiles at run time only when the
// generated module is missing. Both go through compileSchemas, so both get the same errors.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Ajv2020, Options } from "ajv/dist/2020.js";

export type SchemaName = "profile" | "inventory" | "runbook" | "config";

export const SCHEMA_NAMES: readonly SchemaName[] = ["profile", "inventory", "runbook", "config"];

/** The $defs the code checks single values against (option values, names inside strings). */
export const CHECKED_DEFINITIONS: Readonly<Record<SchemaName, readonly string[]>> = {
  profile: [],
  inventory: ["address", "user", "port", "path"],
  runbook: ["limit", "relativePath"],
  config: [],
};

/** How a validator is exported by the generated module: "inventory", "inventory#address". */
export function validatorKey(name: SchemaName, definition?: string): string {
  return definition === undefined ? name : `${name}#${definition}`;
}

/**
 * The schemas ship beside dist/ (package.json "files"); from dist/src/files/ that is three levels
 * up, from src/files/ (when run from source) two.
 */
export function schemaDir(): string {
  for (const relative of ["../../../schemas/", "../../schemas/"]) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}profile.schema.json`)) return dir;
  }
  throw new Error("nfdebug: cannot find the schemas/ directory next to the installed program");
}

export interface SchemaSet {
  texts: Record<SchemaName, string>;
  /** sha256 of the schema texts: the generated module records the one it was built from. */
  digest: string;
}

export function readSchemas(dir = schemaDir()): SchemaSet {
  const hash = createHash("sha256");
  const texts = {} as Record<SchemaName, string>;
  for (const name of SCHEMA_NAMES) {
    texts[name] = readFileSync(`${dir}${name}.schema.json`, "utf8");
    hash.update(`${name}\0${texts[name]}\0`);
  }
  return { texts, digest: hash.digest("hex") };
}

/**
 * An ajv instance holding every schema, and the full id of each validator key. The Ajv2020 class
 * is passed in so that loading this module does not load ajv.
 */
export function compileSchemas(
  Ajv: typeof Ajv2020,
  schemas: SchemaSet,
  extra: Options = {},
): { ajv: Ajv2020; ids: Map<string, string> } {
  // `verbose` gives each error its parentSchema and data, which the messages are built from.
  // strictRequired is off: "at least one of" (anyOf of required) and the profile root's
  // required-over-$ref are the idioms 2020-12 offers, and strictRequired rejects both.
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, verbose: true, ...extra });
  // "x-error": a human message for a schema's failures (see schema-problems.ts).
  ajv.addKeyword({ keyword: "x-error", schemaType: ["string", "object"] });
  const ids = new Map<string, string>();
  for (const name of SCHEMA_NAMES) {
    const schema = JSON.parse(schemas.texts[name]) as { $id: string };
    ajv.addSchema(schema);
    ids.set(validatorKey(name), schema.$id);
    for (const definition of CHECKED_DEFINITIONS[name])
      ids.set(validatorKey(name, definition), `${schema.$id}#/$defs/${definition}`);
  }
  return { ajv, ids };
}
