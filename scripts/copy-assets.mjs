#!/usr/bin/env node
// tsc copies no non-TypeScript files: copy the host shell scripts next to their compiled loader.
import { cpSync } from "node:fs";
cpSync("src/engine/host", "dist/src/engine/host", {
  recursive: true,
  filter: (src) => !src.endsWith(".ts"),
});
