// A TCP tunnel through a jump hop (`direct-tcpip`, what `ssh -J` uses) to the next machine.
import type { Duplex } from "node:stream";
import type { Client } from "ssh2";
import { HostError } from "../errors.js";

export function forwardThrough(
  hop: Client,
  address: string,
  port: number,
  ctx: { host: string; label: string; timeoutMs: number },
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(
        new HostError(
          "timeout",
          ctx.host,
          `${ctx.label}: no tunnel to ${address}:${port} within ${ctx.timeoutMs} ms`,
        ),
      );
    }, ctx.timeoutMs);
    try {
      hop.forwardOut("127.0.0.1", 0, address, port, (err, stream) => {
        clearTimeout(timer);
        if (done) return void stream?.close();
        done = true;
        if (err) {
          return reject(
            new HostError(
              "unreachable",
              ctx.host,
              `${ctx.label}: cannot reach ${address}:${port} from there: ${err.message}`,
              {
                cause: err,
              },
            ),
          );
        }
        resolve(stream);
      });
    } catch (err) {
      clearTimeout(timer);
      done = true;
      reject(
        new HostError("unreachable", ctx.host, `${ctx.label}: connection lost: ${(err as Error).message}`, {
          cause: err,
        }),
      );
    }
  });
}
