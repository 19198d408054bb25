// Issue 9: "no other path from user data to a shell exists". The property tests check the
// composition points with hostile values; this test keeps the list of composition points complete.
// It reads the TypeScript sources (compiler API) and checks that
//   1. every Connection.runScript call under src/ sends a script from a known builder, and
//   2. every ${…} interpolated into script text by those builders is a quoting call (shQuote,
//      call), a script fragment shipped with nfdebug, or a value validated against a tight pattern
//      first — each listed below with the reason. A new interpolation fails this test until it is
//      quoted, or reviewed and listed.
// Runbook `exec` steps are operator-authored shell by design (the runbook's author is the
// operator; the command is sent as written, only NUL is refused) and are the one exception.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** What runScript may be given: builders whose interpolations are checked below. */
const SCRIPT_SOURCES: Record<string, string> = {
  renderApply: "apply: applyScript + nfd_begin via call() + steps via renderStep/call()",
  cancelScript: "scripts.ts",
  extendScript: "scripts.ts",
  revertScript: "scripts.ts",
  readFactsScript: "readFacts.ts → factsScript (arguments shQuote'd)",
  factsScript: "scripts.ts",
  marksScript: "collect.ts: collectScript of a call()",
  collectScript: "collect.ts: the library, counters.sh and collect.sh (shipped), then one call()",
  readScript: "logs/sources: positions validated, then passed with call()",
  captureScript: "collectCapture.ts: the library (shipped), then one call()",
  "step.command": "runbook exec step: operator-authored shell, by design",
};

const QUOTED = "quoted (shQuote/call)";
const SHIPPED = "a fixed script fragment shipped with nfdebug";
const VALIDATED = "validated first (tight pattern or integer)";
const MESSAGE = "message text, not script";

/** Per source file: the functions that compose script text, and every interpolation they may use. */
const COMPOSERS: Record<string, { functions: string[]; safe: Record<string, string> }> = {
  "src/engine/host/scripts.ts": {
    functions: [
      "factsScript",
      "installedHostScript",
      "installHostScripts",
      "applyScript",
      "revertScript",
      "cancelScript",
      "extendScript",
      "kindsShell",
      "factsAwk",
      "library",
    ],
    safe: {
      "kindsShell()": "the kinds' shell files (shipped) and NFD_KINDS, their names quoted",
      'shQuote(KINDS.map((k) => k.name).join(" "))': QUOTED,
      'hostFile("lib.sh")': SHIPPED,
      "shippedFile(FRAME_SH)": SHIPPED,
      "library()": SHIPPED,
      'hostFile("cancel.sh")': SHIPPED,
      "hostFile(name)": SHIPPED,
      name: "one of revert.sh, expire.sh",
      "s.name": "extra section names are constants of the callers (logsources)",
      'call("nfd_cancel", windowArg(window))': QUOTED,
      'hostFile("snapshot.sh")': SHIPPED,
      "hostScriptsVersion()": "a hex digest of nfdebug's own host scripts",
      "installedBody(name)": SHIPPED,
    },
  },
  "src/engine/apply.ts": { functions: ["renderApply"], safe: {} },
  "src/kinds/registry.ts": { functions: ["renderStep"], safe: {} },
  "src/kinds/sysctl/kind.ts": { functions: ["render"], safe: {} },
  "src/kinds/module/kind.ts": { functions: ["render"], safe: {} },
  "src/kinds/printk/kind.ts": { functions: ["render"], safe: {} },
  "src/kinds/capture/kind.ts": { functions: ["render"], safe: {} },
  "src/engine/collectCapture.ts": {
    functions: ["captureScript", "collectCapture"],
    safe: { "result.code": MESSAGE, "(err as Error).message": MESSAGE },
  },
  "src/engine/windowMarks.ts": {
    functions: ["markEndScript", "windowMarkLines"],
    safe: {
      command: "the log source's position command: a call() line, its file path validated (checkLogPath)",
    },
  },
  "src/engine/collect.ts": {
    functions: ["collectScript", "collectHost"],
    safe: {
      // Messages and outcome fields built in collectHost:
      "req.window": MESSAGE,
      "marksResult.code": MESSAGE,
      "marksResult.stderr.trim()": MESSAGE,
      "result.code": MESSAGE,
      "result.stderr.trim()": MESSAGE,
      "err.message": MESSAGE,
      "outcome.lost": MESSAGE,
      kind: MESSAGE,
      detail: MESSAGE,
      "from.boot_id": "a kernel id for de-duplication, not script",
      "from.source": "a kernel id for de-duplication, not script",
      "marks.window": MESSAGE,
    },
  },
  "src/logs/sources/journald.ts": { functions: ["readCall"], safe: {} },
  "src/logs/sources/kmsg.ts": { functions: ["readCall"], safe: {} },
  "src/logs/sources/dmesg.ts": {
    functions: ["readCall"],
    // The window's end, one argument of call():
    safe: { s: VALIDATED, m: VALIDATED, 'checkInteger(options.until.same, "dmesg end count", 0)': VALIDATED },
  },
  "src/logs/sources/syslog-file.ts": { functions: ["readCall"], safe: {} },
  "src/logs/sources/framing.ts": {
    functions: ["sourceShell", "sourceScript"],
    safe: {
      "shippedFile(SOURCE_SH)": SHIPPED,
      "shippedFile(file)": "a reader's .sh file (shipped)",
      "shippedFile(FRAME_SH)": SHIPPED,
      "sourceShell(file)": SHIPPED,
      line: "a call() line of the reader's function",
    },
  },
  "src/logs/sources/detect.ts": {
    functions: ["detectSourcesShell", "detectSourcesScript"],
    safe: { "sourceShell(DETECT_SH)": SHIPPED, 'call("nfd_detect_sources", ...SYSLOG_FILES)': QUOTED },
  },
  "src/logs/counters.ts": {
    functions: ["countersShell", "countersScript"],
    safe: { "shippedFile(FRAME_SH)": SHIPPED, "countersShell()": SHIPPED },
  },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

interface Found {
  file: string;
  line: number;
  fn: string;
  text: string;
}

/** runScript arguments and template interpolations of every source file, with their function. */
function scan(): { runs: Found[]; interpolations: Found[] } {
  const runs: Found[] = [];
  const interpolations: Found[] = [];
  for (const path of sourceFiles(join(ROOT, "src"))) {
    const file = relative(ROOT, path);
    const src = ts.createSourceFile(file, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const at = (node: ts.Node) => src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1;
    const visit = (node: ts.Node, fn: string): void => {
      if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
        fn = node.name.getText(src);
      if (ts.isVariableDeclaration(node) && node.initializer && ts.isArrowFunction(node.initializer))
        fn = node.name.getText(src);
      if (
        ts.isCallExpression(node) &&
        /(^|\.)runScript$/.test(node.expression.getText(src)) &&
        !file.startsWith("src/transport/")
      ) {
        runs.push({ file, line: at(node), fn, text: node.arguments[0]?.getText(src) ?? "" });
      }
      if (ts.isTemplateExpression(node) && COMPOSERS[file]?.functions.includes(fn)) {
        for (const span of node.templateSpans)
          interpolations.push({ file, line: at(span), fn, text: span.expression.getText(src) });
      }
      ts.forEachChild(node, (child) => visit(child, fn));
    };
    visit(src, "");
  }
  return { runs, interpolations };
}

const { runs, interpolations } = scan();

test("every runScript call sends a script from a known builder (or a runbook's exec command)", () => {
  assert.ok(runs.length >= 8, `found ${runs.length} runScript calls: the scan is broken`);
  for (const r of runs) {
    const builder = r.text.match(/^[A-Za-z.]+/)?.[0] ?? "";
    assert.ok(
      builder in SCRIPT_SOURCES,
      `${r.file}:${r.line} (${r.fn}) runs \`${r.text}\`: add its builder to the composition checks`,
    );
  }
  assert.deepEqual(
    runs.filter((r) => r.text === "step.command").map((r) => r.file),
    ["src/runbook/stepRunners.ts"],
    "exec commands run only in the exec step",
  );
});

test("every builder that composes script text is known, and is checked", () => {
  const builders = new Set(Object.values(COMPOSERS).flatMap((c) => c.functions));
  for (const name of [
    "renderApply",
    "cancelScript",
    "extendScript",
    "revertScript",
    "factsScript",
    "collectScript",
    "windowMarkLines",
    "readCall",
    "sourceScript",
    "detectSourcesScript",
  ]) {
    assert.ok(builders.has(name), name);
  }
  // Most shell lives in .sh files now: what is left is composition of files and call() lines.
  assert.ok(interpolations.length > 20, `found ${interpolations.length} interpolations: the scan is broken`);
});

test("every interpolation into script text is quoted, shipped, validated or listed with a reason", () => {
  const unexplained = interpolations.filter((i) => !(i.text in COMPOSERS[i.file].safe));
  assert.deepEqual(
    unexplained.map((i) => `${i.file}:${i.line} ${i.fn}: \${${i.text}}`),
    [],
    "quote these with shQuote()/call(), or validate them and add them to COMPOSERS with the reason",
  );
});

test("the call sites that pass values use call()/shQuote(), never a bare template", () => {
  // Whitespace-insensitive: a formatter may wrap these calls.
  const text = (file: string) =>
    readFileSync(join(ROOT, file), "utf8").replace(/\s+/g, " ").replace(/\( /g, "(").replace(/,? \)/g, ")");
  assert.match(
    text("src/kinds/sysctl/kind.ts"),
    /render: \(step\) => call\("nfd_sysctl", changeType\(step\), step\.path, step\.from, step\.to, \.\.\.\(step\.loadsModules \? \["loads-modules"\] : \[\]\)\)/,
  );
  assert.match(
    text("src/kinds/module/kind.ts"),
    /render: \(step\) => call\("nfd_module", changeType\(step\), step\.module\)/,
  );
  assert.match(
    text("src/kinds/printk/kind.ts"),
    /render: \(step\) => call\("nfd_printk", changeType\(step\), step\.site, step\.func, step\.from, step\.to\)/,
  );
  assert.match(
    text("src/engine/apply.ts"),
    /call\("nfd_begin", windowArg\(req\.window\), ownerArg\(req\.owner\), req\.profile\.name, secondsArg\(req\.windowSeconds\), req\.noTimer \? "none" : "timer", budgetArg\(windowBudget\(req\.profile\)\)\)/,
  );
  assert.match(
    text("src/shell/quote.ts"),
    /return \[fn, \.\.\.args\.map\(\(a\) => shQuote\(String\(a\)\)\)\]\.join\(" "\);/,
  );
});
