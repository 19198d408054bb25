// The parser's fast paths (reading a dump of the canonical shape at fixed places, recognising
// common tokens by their letters, classifying a reason inside its line) each promise the answer of
// the plain way they shortcut. Switching them off gives the plain way alone: the reference
// test/unit/logs/fast-paths.test.ts compares them against.
export const fastPaths = { enabled: true };
