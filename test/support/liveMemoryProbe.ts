// Loaded into a CLI under test with NODE_OPTIONS="--import <this file>": samples what the process
// keeps alive (liveBytes: JS heap and Buffers after a full collection) every 100 ms and writes the
// largest sample, in bytes, to $NFDEBUG_TEST_LIVE_MEMORY when the process exits. Unlike RSS, this
// does not count garbage the collector has not freed yet, nor memory the allocator keeps.
import { writeFileSync } from "node:fs";
import { liveBytes } from "./liveMemory.js";

const target = process.env.NFDEBUG_TEST_LIVE_MEMORY;
if (target) {
  let peak = liveBytes();
  const timer = setInterval(() => (peak = Math.max(peak, liveBytes())), 100);
  timer.unref();
  process.on("exit", () => {
    peak = Math.max(peak, liveBytes());
    writeFileSync(target, String(peak));
  });
}
