// nfdebug merge: one bundle, with one report, of the bundles of a run's shards.
import { mergeBundleDirs } from "../../report/mergeBundleFiles.js";
import { NFDEBUG_VERSION } from "../../version.js";
import { createOutput } from "../output.js";

export async function merge(dirs: string[], flags: { out: string }): Promise<void> {
  const { merged, summary, html } = await mergeBundleDirs(dirs, flags.out, {
    commandLine: process.argv.slice(1),
    nfdebugVersion: NFDEBUG_VERSION,
  });
  const output = createOutput(false);
  for (const w of merged.warnings) output.warn(`nfdebug: warning: ${w}`);
  const hosts = merged.input.hosts.length;
  output.line(`merged ${dirs.length} bundle(s), ${hosts} host(s); bundle: ${flags.out}`);
  output.line(`summary: ${summary}`);
  output.line(`report: ${html}`);
}
