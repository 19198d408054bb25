#!/usr/bin/env node
import { main } from "./program.js";

// `nfdebug ... | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv);
