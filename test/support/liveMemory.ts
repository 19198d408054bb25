// What this process holds (JS heap and Buffers) right after a full garbage collection, sampled
// while a test runs: memory the code under test keeps alive, not garbage waiting for the next
// collection (RSS would count that, and never shrinks).
import v8 from "node:v8";
import { runInNewContext } from "node:vm";

// --expose-gc set at run time: contexts created after it get a gc() (the test runner passes no
// flags to the file's process).
v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Live JS heap plus memory outside it (Buffers), after a full collection. */
export function liveBytes(): number {
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

export interface LiveMemory {
  /** Live bytes when sampling started. */
  baseline: number;
  /** The largest sample. */
  peak: number;
  samples: number;
}

/**
 * Samples liveBytes() every `everyMs` until stop(), and whenever the test calls sample() (at
 * points it knows to matter: a timer fires only when the event loop is free).
 */
export function sampleLiveMemory(everyMs = 100): { sample: () => void; stop: () => LiveMemory } {
  const memory: LiveMemory = { baseline: liveBytes(), peak: 0, samples: 0 };
  const sample = (): void => {
    memory.peak = Math.max(memory.peak, liveBytes());
    memory.samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return memory;
    },
  };
}
