#!/usr/bin/env node
// tsc copies no non-TypeScript files: copy the host shell scripts (src/engine/host, and each
// kind's .sh and .awk in src/kinds) next to their compiled loaders.
import { cpSync } from "node:fs";
for (const dir of ["src/engine/host", "src/kinds"])
  cpSync(dir, `dist/${dir}`, { recursive: true, filter: (src) => !src.endsWith(".ts") });
