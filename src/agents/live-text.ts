// Live answer text for `agent`/`chat` events. Both events carry the whole answer so far (the reference's
// shapes), so sending one per model delta costs the square of the answer: 5,000 deltas of a 20 KB answer were
// 98 MB per client. Deltas are coalesced in time as the reference does (one send per 75 ms at most), and the
// full-text copies of one run are held to a budget proportional to the answer, so the bytes stay linear in
// the answer however fast or slow the model streams.

/** The reference's pacing of live text (`LIVE_TEXT_PACING_MS` in its gateway). */
export const LIVE_TEXT_PACING_MS = 75;
/** Full-text characters the live sends of one run may cost, per character of the answer so far… */
export const SNAPSHOT_BUDGET_FACTOR = 8;
/** …plus this allowance, so short answers stream at the plain 75 ms pace. */
export const SNAPSHOT_BUDGET_SLACK = 32 * 1024;
/** What one send costs besides the text: two events (agent and chat) each carry it, plus their envelopes. */
const COPIES_PER_SEND = 2;
const ENVELOPE_CHARS = 256;

/** The clock the pacing reads; tests inject one. */
export interface LiveClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock; the default outside tests. */
export const systemClock: LiveClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Accumulates an answer and calls `send(text, delta)` with the whole text and the part not sent yet: at once
 * for the first piece, then at most every 75 ms while the budget allows, and always on `flush()`.
 */
export class LiveText {
  text = "";
  #pending = "";
  #lastSentAt: number | undefined;
  #timer: unknown;
  #spent = 0;

  constructor(
    private readonly send: (text: string, delta: string) => void,
    private readonly clock: LiveClock = systemClock,
    /** False when no client may read the events: nothing is built or sent, the text is only kept. */
    private readonly readers: () => boolean = () => true,
  ) {}

  push(delta: string): void {
    if (!delta) return;
    this.text += delta;
    this.#pending += delta;
    if (this.#timer !== undefined) return;
    const wait = this.#lastSentAt === undefined ? 0 : LIVE_TEXT_PACING_MS - (this.clock.now() - this.#lastSentAt);
    if (wait <= 0) return this.#paced();
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#paced();
    }, wait);
  }

  /** Sends what is pending now, budget or not: before a tool call, a lifecycle change or the final event. */
  flush(): void {
    this.#cancel();
    if (this.#pending) this.#emit();
  }

  /** Stops the pacing timer; pending text is dropped (the terminal events carry the whole answer). */
  close(): void {
    this.#cancel();
    this.#pending = "";
  }

  /** Full-text characters sent so far (for tests and the bench). */
  get spent(): number {
    return this.#spent;
  }

  #paced(): void {
    if (!this.#pending) return;
    const cost = this.#cost();
    // Over budget: wait for the answer to grow (the next push checks again) or for flush().
    if (this.#spent + cost > SNAPSHOT_BUDGET_FACTOR * this.text.length + SNAPSHOT_BUDGET_SLACK) return;
    this.#emit();
  }

  #emit(): void {
    const delta = this.#pending;
    this.#pending = "";
    this.#lastSentAt = this.clock.now();
    if (!this.readers()) return;
    this.#spent += this.#cost();
    this.send(this.text, delta);
  }

  #cost(): number {
    return COPIES_PER_SEND * (this.text.length + ENVELOPE_CHARS);
  }

  #cancel(): void {
    if (this.#timer === undefined) return;
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
