// An in-memory host that answers the scripts sent to it from a list of expected exchanges, in
// order: each says which script it expects (a substring of it, or a predicate) and what the host
// answers (recorded outputs: test/fixtures/exchanges/). Every script sent is kept, and one that
// is not the next expected fails the test with both named. Its connections (replayConnection.ts)
// and the transport handing them out (replayTransport.ts) share one host, so a reconnect carries
// on with the same list.
import type { ExecOptions, ExecResult } from "../../src/transport/types.js";

/** What a host printed and how its script ended. */
export interface HostReply {
  stdout: string;
  stderr?: string;
  /** Exit status (default 0). */
  code?: number | null;
}

export interface Exchange extends Partial<HostReply> {
  /** The script this answers: one containing this text, or one this predicate accepts. */
  expect: string | ((script: string) => boolean);
  /** Instead of answering: runScript rejects with this (a dropped connection, a timeout). */
  fail?: Error;
  /** Answer once the promise this returns (when the script arrives) resolves: a slow host. */
  after?: () => Promise<unknown>;
}

export interface SentScript {
  script: string;
  options: ExecOptions;
}

export class UnexpectedScript extends Error {
  override name = "UnexpectedScript";
}

export class ReplayHost {
  readonly sent: SentScript[] = [];
  private next = 0;

  constructor(
    readonly name: string,
    private readonly exchanges: Exchange[],
  ) {}

  /** Answers `script` with the next exchange, or throws UnexpectedScript. */
  async answer(script: string, options: ExecOptions): Promise<ExecResult> {
    this.sent.push({ script, options });
    const exchange = this.exchanges[this.next];
    if (!exchange) throw this.unexpected(script, "no more scripts");
    if (!accepts(exchange, script)) throw this.unexpected(script, `one ${describe(exchange)}`);
    this.next += 1;
    await exchange.after?.();
    if (exchange.fail) throw exchange.fail;
    return { stdout: exchange.stdout ?? "", stderr: exchange.stderr ?? "", code: exchange.code ?? 0 };
  }

  /** Exchanges not asked for yet: a test that expected them to run can say so. */
  unanswered(): number {
    return this.exchanges.length - this.next;
  }

  private unexpected(script: string, expected: string): UnexpectedScript {
    const head = script.split("\n").slice(0, 3).join("\n  ");
    return new UnexpectedScript(
      `${this.name}: unexpected script #${this.sent.length} (expected ${expected}):\n  ${head}`,
    );
  }
}

function accepts(exchange: Exchange, script: string): boolean {
  return typeof exchange.expect === "string" ? script.includes(exchange.expect) : exchange.expect(script);
}

function describe(exchange: Exchange): string {
  return typeof exchange.expect === "string"
    ? `containing ${JSON.stringify(exchange.expect)}`
    : `accepted by ${exchange.expect.name || "a predicate"}`;
}
