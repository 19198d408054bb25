#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, commander, yaml and
// p-limit included) into dist/src/cli/bundle/, one file per lazily loaded command, and makes
// dist/src/cli/main.js a one-line loader of it. Loading ~130 modules one by one (resolve, read,
// compile each; yaml alone is 72 CommonJS files) cost 40-60 ms of CPU at every start; one bundle
// costs a fraction of that. Run after tsc; without this step the unbundled CLI works the same.
//
// Kept external: ssh2 (native add-ons, optional dependencies) and whatever is loaded through
// createRequire (the generated schema validators and their ajv runtime, see schema-registry.ts).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { build } from "esbuild";

const CLI_DIR = resolve("dist/src/cli");
const OUT_DIR = resolve(CLI_DIR, "bundle");
const SRC_DIR = resolve("dist/src");

// A module that finds files beside itself (host scripts, schemas, package.json, the generated
// validators) does so through import.meta.url: inside the bundle, give it its own location back.
const ownLocation = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(`${SRC_DIR}/`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const from = relative(OUT_DIR, args.path);
      return {
        contents: text.replaceAll(
          "import.meta.url",
          `new URL(${JSON.stringify(from)}, import.meta.url).href`,
        ),
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

const main = resolve(CLI_DIR, "main.js");
const entry = readFileSync(main, "utf8");
if (entry.includes("bundle/main.js"))
  throw new Error("bundle-cli: dist/src/cli/main.js is already the loader; run tsc first");
rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  stdin: { contents: entry.replace(/^#!.*\n/, ""), resolveDir: CLI_DIR, sourcefile: "main.js", loader: "js" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: OUT_DIR,
  entryNames: "main",
  chunkNames: "[name]-[hash]",
  external: ["ssh2"],
  plugins: [ownLocation],
  // The CommonJS packages in the bundle (commander, yaml) require Node's built-in modules.
  banner: {
    js: 'import { createRequire as nfdebugCreateRequire } from "node:module";\nconst require = nfdebugCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
writeFileSync(
  main,
  '#!/usr/bin/env node\n// Written by scripts/bundle-cli.mjs: the CLI is bundled into bundle/ for a fast start.\nimport "./bundle/main.js";\n',
);
