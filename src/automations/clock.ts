// The scheduler's only sense of time: read the time and arm one timer. Injected so tests advance a fake clock
// instead of sleeping, and so a 10,000-job scheduler costs one timer, not one per job.

/** Time and a single-shot timer; the real one wraps Date.now/setTimeout. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Wall-clock time and the runtime's timers; timers are unref'd so a pending schedule never holds the process. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
