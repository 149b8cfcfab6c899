// One deadline per command (field lessons: `gateway probe --timeout 1000` ran for minutes because every
// phase got a fresh timeout). Phases ask for what is left instead of starting their own clocks.
import { sleep } from "../platform/sleep.ts";

/** A fixed point in time that every phase of a command shares. */
export class Deadline {
  readonly totalMs: number;
  readonly #at: number;

  private constructor(totalMs: number) {
    this.totalMs = totalMs;
    this.#at = performance.now() + totalMs;
  }

  /** A deadline `ms` from now. */
  static after(ms: number): Deadline {
    return new Deadline(Math.max(0, ms));
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.#at - performance.now());
  }

  expired(): boolean {
    return this.remaining() <= 0;
  }

  /** A deadline that ends at the earlier of this one and `ms` from now (a per-phase cap). */
  cap(ms: number): Deadline {
    return Deadline.after(Math.min(ms, this.remaining()));
  }
}

/** Resolves after `ms`, or at once if the deadline leaves less; never outlives the deadline. */
export function sleepWithin(ms: number, deadline: Deadline): Promise<void> {
  return sleep(Math.min(ms, deadline.remaining()));
}
