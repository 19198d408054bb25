#!/usr/bin/env node
// Fails (exit 1) when the TypeScript files under the given folders import each other in a circle,
// and names each circle. Every import counts: static, `import type`, `export … from` and `import()`
// with a literal path — a type-only or lazy import is still a dependency a reader has to follow.
// Usage: node scripts/check-cycles.mjs [DIR...]   (default: src test bench)
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** Every .ts file below `dir` (absolute paths). */
function tsFiles(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The relative module specifiers a file imports, in source order. */
function specifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith("."));
}

/** `./x.js` from `dir/a.ts` → `dir/x.ts` when that file exists (NodeNext keeps the .js suffix). */
function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Tarjan's strongly connected components; each component of 2+ files (or a self-import) is a cycle. */
function cyclicComponents(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) components.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return components;
}

/** One shortest circle through `start` inside its component (breadth-first), as a list of files. */
function circleThrough(start, members, graph) {
  const inside = new Set(members);
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (w === start) {
        const path = [v];
        for (let p = previous.get(v); p !== undefined; p = previous.get(p)) path.unshift(p);
        return [...path, start];
      }
      if (inside.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

export function findCycles(dirs, root = process.cwd()) {
  const graph = new Map();
  for (const dir of dirs) for (const file of tsFiles(resolve(root, dir))) graph.set(file, []);
  for (const file of graph.keys()) {
    const targets = specifiers(file)
      .map((s) => resolveImport(file, s))
      .filter((t) => t !== undefined && graph.has(t));
    graph.set(file, [...new Set(targets)]);
  }
  const name = (file) => relative(root, file);
  return cyclicComponents(graph).map((members) => ({
    files: members.map(name),
    circle: circleThrough(members[0], members, graph).map(name),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  const cycles = findCycles(dirs.length > 0 ? dirs : ["src", "test", "bench"].filter((d) => existsSync(d)));
  for (const { files, circle } of cycles) {
    console.error(`import cycle: ${circle.join(" → ")}`);
    if (files.length > circle.length - 1)
      console.error(`  (one circle among ${files.length} files: ${files.join(", ")})`);
  }
  if (cycles.length > 0) {
    console.error(`check-cycles: ${cycles.length} import cycle(s)`);
    process.exit(1);
  }
  console.log("check-cycles: no import cycles");
}
