#!/usr/bin/env node
// tsc copies no non-TypeScript files: copy the host shell and awk files (each beside the
// TypeScript that loads it, anywhere under src/) next to their compiled loaders.
import { cpSync } from "node:fs";
cpSync("src", "dist/src", {
  recursive: true,
  filter: (src) => !src.includes(".") || /\.(sh|awk)$/.test(src),
});
