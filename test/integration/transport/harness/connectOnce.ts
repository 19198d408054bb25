// Child process for tests that need a controlling terminal (or none): connect once, run
// `echo connected`, print the outcome as one JSON line. Usage: node connectOnce.js SPEC.json
import { readFileSync } from "node:fs";
import { SshTransport, type SshTransportOptions } from "../../../../src/transport/sshTransport.js";
import type { HostSpec } from "../../../../src/inventory/types.js";
import { HostError } from "../../../../src/errors.js";

interface Spec {
  host: HostSpec;
  options: SshTransportOptions;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Spec;
try {
  const conn = await new SshTransport(spec.options).connect(spec.host);
  const result = await conn.runScript("echo connected\n");
  conn.close();
  process.stdout.write(JSON.stringify({ ok: true, stdout: result.stdout }) + "\n");
} catch (err) {
  const kind = err instanceof HostError ? err.kind : "crash";
  process.stdout.write(JSON.stringify({ ok: false, kind, message: (err as Error).message }) + "\n");
}
