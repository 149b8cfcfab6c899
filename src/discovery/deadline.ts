// One deadline for a whole command: every phase (browse, resolve, retry) gets only what is left
// (field lesson #127166: fresh per-phase timeouts made `--timeout 1000` run for minutes).

/** A fixed point in time that phases share. */
export class Deadline {
  readonly at: number;
  readonly #now: () => number;

  constructor(ms: number, now: () => number = Date.now) {
    this.#now = now;
    this.at = now() + Math.max(0, ms);
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.at - this.#now());
  }

  expired(): boolean {
    return this.remaining() === 0;
  }

  /** Resolves after `ms` or at the deadline, whichever is first; an abort signal ends it early. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const wait = Math.min(ms, this.remaining());
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
