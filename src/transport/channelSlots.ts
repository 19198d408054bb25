// At most N session channels open at once on one connection (OpenSSH's MaxSessions, default
// 10); more would fail with "open failed". Callers beyond the limit wait in FIFO order.

export class ChannelSlots {
  private limit: number;
  private inUse = 0;
  private readonly waiting: { grant: () => void; refuse: (err: Error) => void }[] = [];
  private closedWith: Error | undefined;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  get active(): number {
    return this.inUse;
  }

  get capacity(): number {
    return this.limit;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(): Promise<() => void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        this.inUse++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inUse--;
          this.pump();
        });
      };
      this.waiting.push({ grant, refuse: reject });
      this.pump();
    });
  }

  /** The server allows fewer sessions than we assumed: never use more than `limit` again. */
  shrinkTo(limit: number): void {
    this.limit = Math.max(1, Math.min(this.limit, limit));
  }

  /** Fail everyone waiting and every later acquire (the connection is gone). */
  close(err: Error): void {
    this.closedWith ??= err;
    for (const w of this.waiting.splice(0)) w.refuse(err);
  }

  private pump(): void {
    while (this.inUse < this.limit && this.waiting.length > 0 && !this.closedWith)
      this.waiting.shift()!.grant();
  }
}
