// The JSON Schemas in schemas/ compiled once with ajv (2020-12, strict, all errors).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

export type SchemaName = "profile" | "inventory" | "runbook";

const SCHEMA_NAMES: SchemaName[] = ["profile", "inventory", "runbook"];

/**
 * The schemas ship beside dist/ (package.json "files"); from dist/src/files/ that is three levels
 * up, from src/files/ (when run from source) two.
 */
function schemaDir(): string {
  for (const relative of ["../../../schemas/", "../../schemas/"]) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}profile.schema.json`)) return dir;
  }
  throw new Error("nfdebug: cannot find the schemas/ directory next to the installed program");
}

let ajv: Ajv2020 | undefined;
const ids = new Map<SchemaName, string>();

function compiler(): Ajv2020 {
  if (ajv) return ajv;
  // `verbose` gives each error its parentSchema and data, which the messages are built from.
  // strictRequired is off: "at least one of" (anyOf of required) and the profile root's
  // required-over-$ref are the idioms 2020-12 offers, and strictRequired rejects both.
  const instance = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, verbose: true });
  // "x-error": a human message for a schema's failures (see schema-problems.ts).
  instance.addKeyword({ keyword: "x-error", schemaType: ["string", "object"] });
  const dir = schemaDir();
  for (const name of SCHEMA_NAMES) {
    const schema = JSON.parse(readFileSync(`${dir}${name}.schema.json`, "utf8")) as { $id: string };
    instance.addSchema(schema);
    ids.set(name, schema.$id);
  }
  ajv = instance;
  return instance;
}

export function schemaValidator(name: SchemaName): ValidateFunction {
  const instance = compiler();
  const validate = instance.getSchema(ids.get(name)!);
  if (!validate) throw new Error(`schema ${name} did not compile`);
  return validate;
}

/** A validator for one of a schema's $defs, e.g. ("inventory", "address"). */
export function definitionValidator(name: SchemaName, definition: string): ValidateFunction {
  const instance = compiler();
  const validate = instance.getSchema(`${ids.get(name)!}#/$defs/${definition}`);
  if (!validate) throw new Error(`schema ${name} has no definition ${definition}`);
  return validate;
}
