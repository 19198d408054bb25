// The fault-drill table: each drill records the fault it injected, on how many hosts, and how many
// ended in one of the two allowed outcomes (judged by kernel truth, not by nfdebug's word):
//   - the host is exactly as before, or
//   - nfdebug said the host is left changed (and which keys), with its window open and a live
//     dead-man's switch that later reverts it.
// The table is printed when the test process ends, and appended to $NFDEBUG_DRILL_TABLE if set.
import { appendFileSync } from "node:fs";

export interface DrillRow {
  fault: string;
  hosts: number;
  survived: number;
  how: string;
}

const rows: DrillRow[] = [];

export function recordDrill(row: DrillRow): void {
  rows.push(row);
}

export function drillTable(list: DrillRow[] = rows): string {
  const lines = [
    "| fault | hosts | survived | outcome |",
    "| --- | ---: | ---: | --- |",
    ...list.map((r) => `| ${r.fault} | ${r.hosts} | ${r.survived} | ${r.how} |`),
  ];
  return lines.join("\n");
}

process.on("exit", () => {
  if (rows.length === 0) return;
  const table = drillTable();
  process.stdout.write(`\n# fault drills\n${table}\n`);
  if (process.env.NFDEBUG_DRILL_TABLE) appendFileSync(process.env.NFDEBUG_DRILL_TABLE, `${table}\n`);
});
