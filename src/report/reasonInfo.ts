// What a bundle's manifest says about each reason a report shows: the catalogue's explanation and hint.
import type { FleetSummary } from "../logs/aggregate.js";
import { catalogueEntry } from "../logs/catalogue.js";
import type { ReasonInfo } from "./model.js";

export function reasonInfoOf(summary: FleetSummary): Record<string, ReasonInfo> {
  const info: Record<string, ReasonInfo> = {};
  for (const r of summary.reasons) {
    const entry = catalogueEntry(r.reason_id);
    if (entry) info[r.reason_id] = { explanation: entry.explanation, hint: entry.hint };
  }
  return info;
}
