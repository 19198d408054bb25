// Host outputs recorded from real host scripts (test/fixtures/exchanges/, made by
// scripts/record-host-exchanges.mjs), as exchanges a ReplayHost answers with. Each recorded answer
// names the script it answered; a marker of that script (the title line of its host file, or a
// line only it has) is what the replay expects to be sent.
import { readFileSync } from "node:fs";
import type { Profile } from "../../src/profile/types.js";
import type { Exchange, HostReply } from "./replayHost.js";

export const SCRIPT_MARKERS = {
  facts: "# nfdebug facts:",
  apply: "# nfdebug apply:",
  revert: 'exec sh "$NFD_REVERT" ',
  cancel: "# nfdebug cancel:",
} as const;

export type ScriptName = keyof typeof SCRIPT_MARKERS;

export interface RecordedAnswer extends HostReply {
  script: ScriptName;
}

/** One recording: what was asked of the host, and its answers per step (a step's round trips). */
export interface Recording {
  how: string;
  kernel: string;
  profile: Profile;
  window: string;
  /** The window of the apply that the step "cancel" cancelled. */
  cancelled: string;
  steps: Record<string, RecordedAnswer[]>;
}

export function readRecording(name: string): Recording {
  const url = new URL(`../../../test/fixtures/exchanges/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Recording;
}

/** The exchanges of these steps of a recording, in order. */
export function recordedExchanges(recording: Recording, ...steps: string[]): Exchange[] {
  return steps.flatMap((step) => {
    const answers = recording.steps[step];
    if (!answers) throw new Error(`the recording has no step ${step}`);
    return answers.map(({ script, ...reply }) => ({ expect: SCRIPT_MARKERS[script], ...reply }));
  });
}

/** Which recorded script `script` is (the recorder names what it sent with this). */
export function scriptName(script: string): ScriptName {
  const names = (Object.keys(SCRIPT_MARKERS) as ScriptName[]).filter((n) =>
    script.includes(SCRIPT_MARKERS[n]),
  );
  if (names.length !== 1) throw new Error(`a script with markers of ${names.join(", ") || "no script"}`);
  return names[0];
}
