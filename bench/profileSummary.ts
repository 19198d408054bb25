// node dist/bench/profileSummary.js FILE.cpuprofile...: where the CPU of an nfdebug run went.
import { summariseProfile } from "./measure/cpuProfile.js";

for (const file of process.argv.slice(2)) {
  const t = summariseProfile(file);
  console.log(`${file}: ${t.totalMs.toFixed(0)} ms profiled`);
  console.log("  self time by script:");
  for (const [k, ms] of t.byFile) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${k}`);
  console.log("  self time by function:");
  for (const [k, ms] of t.byFunction) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${k}`);
}
