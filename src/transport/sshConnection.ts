// One SSH connection to one host, reused for every phase; scripts run on session channels,
// never more at once than the server's session limit.
import type { Client } from "ssh2";
import { HostError } from "../errors.js";
import type { HostSpec } from "../inventory/types.js";
import { becomeFailure, SH_COMMAND, SUDO_SH_COMMAND } from "./becomeFailure.js";
import { ChannelSlots } from "./channelSlots.js";
import { outputCapFor } from "./outputCap.js";
import { ChannelOpenError, runScriptOnChannel } from "./scriptChannel.js";
import { serverAliveHook } from "./serverAlive.js";
import type { Connection, ExecOptions, ExecResult } from "./types.js";

/** Refused session opens tolerated per script before giving up (about 2.5 s of back-off). */
const MAX_REFUSALS = 8;

export interface ConnectionSettings {
  maxSessions: number;
  /** Applies when runScript gets no timeoutMs; 0 means none. */
  commandTimeoutMs: number;
  /** Most output per script, streamed or not; unset: outputCapFor's default for each. */
  maxOutputBytes?: number;
  /** ssh2's keepalive interval (0: none); data from the server restarts it. */
  keepaliveIntervalMs: number;
  /** Releases jump-hop sessions when this connection closes. */
  onClose: () => void;
}

export class SshConnection implements Connection {
  readonly host: HostSpec;
  private readonly client: Client;
  private readonly settings: ConnectionSettings;
  private readonly slots: ChannelSlots;
  private lost: HostError | undefined;
  private lastError: string | undefined;
  private closedByUs = false;
  private readonly heardFromServer: () => void;

  constructor(client: Client, host: HostSpec, settings: ConnectionSettings) {
    this.client = client;
    this.host = host;
    this.settings = settings;
    this.slots = new ChannelSlots(settings.maxSessions);
    this.heardFromServer = serverAliveHook(client, settings.keepaliveIntervalMs);
    client.on("error", (err: Error) => {
      this.lastError = err.message; // e.g. "Keepalive timeout"; reported when the close follows
    });
    client.on("close", () => {
      const why = this.lastError ? ` (${this.lastError})` : "";
      this.lost ??= this.closedByUs
        ? new HostError("aborted", host.name, `${host.name}: the connection was closed`)
        : new HostError("unreachable", host.name, `${host.name}: connection lost${why}`);
      this.slots.close(this.lost);
      settings.onClose();
    });
  }

  async runScript(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.settings.commandTimeoutMs;
    for (let refusals = 0; ; refusals++) {
      if (this.lost) throw this.lost;
      const release = await this.slots.acquire();
      try {
        const result = await runScriptOnChannel({
          client: this.client,
          hostName: this.host.name,
          command: this.host.become ? SUDO_SH_COMMAND : SH_COMMAND,
          script,
          options: { ...options, timeoutMs },
          maxOutputBytes: outputCapFor(options.onStdoutLine !== undefined, this.settings.maxOutputBytes),
          connectionLost: () => this.lost,
          onData: this.heardFromServer,
        });
        if (this.host.become) {
          const failure = becomeFailure(this.host, result);
          if (failure) throw failure;
        }
        return result;
      } catch (err) {
        if (!(err instanceof ChannelOpenError)) throw err;
        if (!err.refused || refusals >= MAX_REFUSALS) {
          throw (
            this.lost ??
            new HostError(
              "remote",
              this.host.name,
              `${this.host.name}: cannot open a session: ${err.message}`,
            )
          );
        }
        // The server allows fewer sessions than we have open (a lower MaxSessions), or still
        // counts sessions that just closed: use fewer channels, wait a little, try again.
        if (this.slots.active > 1) this.slots.shrinkTo(this.slots.active - 1);
      } finally {
        release();
      }
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(refusals, 5)));
    }
  }

  close(): void {
    this.closedByUs = true;
    this.client.end();
  }
}
