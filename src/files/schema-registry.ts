// The validators of the JSON Schemas in schemas/: the code generated at build time
// (schema-validators.generated.cjs, see schema-compiler.ts), else compiled with ajv on first use.
import { createRequire } from "node:module";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import {
  compileSchemas,
  readSchemas,
  validatorKey,
  CHECKED_DEFINITIONS,
  type SchemaName,
} from "./schema-compiler.js";

export type { SchemaName };

/** The file scripts/build-validators.mjs writes next to this module's compiled JavaScript. */
export const GENERATED_VALIDATORS = "./schema-validators.generated.cjs";

export interface GeneratedValidators {
  /** readSchemas().digest of the schemas the code was generated from. */
  digest: string;
  validators: Record<string, ValidateFunction>;
}

const requireHere = createRequire(import.meta.url);
let loaded: Record<string, ValidateFunction> | undefined;

/** The generated validators, or undefined when the build did not write them. */
export function generatedValidators(): GeneratedValidators | undefined {
  try {
    return requireHere(GENERATED_VALIDATORS) as GeneratedValidators;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "MODULE_NOT_FOUND" && e.message.includes("schema-validators.generated.cjs"))
      return undefined;
    throw err;
  }
}

function compiledAtRunTime(): Record<string, ValidateFunction> {
  const { Ajv2020: Ajv } = requireHere("ajv/dist/2020.js") as { Ajv2020: typeof Ajv2020 };
  const { ajv, ids } = compileSchemas(Ajv, readSchemas());
  const validators: Record<string, ValidateFunction> = {};
  for (const [key, id] of ids) {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`schema ${key} did not compile`);
    validators[key] = validate;
  }
  return validators;
}

function validators(): Record<string, ValidateFunction> {
  loaded ??= generatedValidators()?.validators ?? compiledAtRunTime();
  return loaded;
}

export function schemaValidator(name: SchemaName): ValidateFunction {
  return validators()[validatorKey(name)];
}

/** A validator for one of a schema's $defs, e.g. ("inventory", "address"). */
export function definitionValidator(name: SchemaName, definition: string): ValidateFunction {
  const validate = validators()[validatorKey(name, definition)];
  if (!validate || !CHECKED_DEFINITIONS[name].includes(definition))
    throw new Error(`schema ${name} has no checked definition ${definition} (see CHECKED_DEFINITIONS)`);
  return validate;
}
