// -v and -vv: a Transport that tells what it does on stderr, around the real one. -v: each
// connection and each script, with its size, exit status and time; -vv: also the script sent and
// the output received, line by line. Nothing of it reaches stdout (--json stays clean). Scripts
// carry no secrets (keys never leave the controller); host text is made safe for a terminal by
// the writer.
import type { HostSpec } from "../inventory/types.js";
import type { Connection, ExecOptions, ExecResult, Transport } from "./types.js";

export type VerboseWrite = (line: string) => void;

const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

function lines(write: VerboseWrite, prefix: string, text: string): void {
  for (const line of text.replace(/\n$/, "").split("\n")) write(`${prefix}${line}`);
}

class VerboseConnection implements Connection {
  private scripts = 0;
  constructor(
    private readonly inner: Connection,
    private readonly level: number,
    private readonly write: VerboseWrite,
  ) {}

  get host(): HostSpec {
    return this.inner.host;
  }

  async runScript(script: string, options?: ExecOptions): Promise<ExecResult> {
    const name = this.inner.host.name;
    const n = ++this.scripts;
    const started = performance.now();
    this.write(`${name}: script ${n} sent (${Buffer.byteLength(script)} bytes)`);
    if (this.level >= 2) lines(this.write, `${name} ${n}> `, script);
    const wrapped: ExecOptions | undefined =
      options?.followUp && this.level >= 2
        ? {
            ...options,
            followUp: {
              afterLine: options.followUp.afterLine,
              next: async (soFar) => {
                const next = await options.followUp!.next(soFar);
                if (next !== null) lines(this.write, `${name} ${n}+> `, next);
                return next;
              },
            },
          }
        : options;
    try {
      const result = await this.inner.runScript(script, wrapped);
      const status = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
      this.write(`${name}: script ${n} ${status} in ${ms(started)}`);
      if (this.level >= 2) {
        if (result.stdout) lines(this.write, `${name} ${n}< `, result.stdout);
        if (result.stderr) lines(this.write, `${name} ${n}! `, result.stderr);
      }
      return result;
    } catch (err) {
      this.write(`${name}: script ${n} failed after ${ms(started)}: ${(err as Error).message}`);
      throw err;
    }
  }

  close(): void {
    this.inner.close();
  }
}

export function verboseTransport(inner: Transport, level: number, write: VerboseWrite): Transport {
  if (level < 1) return inner;
  return {
    async connect(host: HostSpec): Promise<Connection> {
      const started = performance.now();
      try {
        const conn = await inner.connect(host);
        write(`${host.name}: connected to ${host.user}@${host.address}:${host.port} in ${ms(started)}`);
        return new VerboseConnection(conn, level, write);
      } catch (err) {
        write(`${host.name}: connect failed after ${ms(started)}: ${(err as Error).message}`);
        throw err;
      }
    },
  };
}
