// A fake clock for the scheduler: time moves only when a test advances it, and due timers fire in order.
import type { Clock } from "../../src/automations/clock.ts";

export class FakeClock implements Clock {
  #timers = new Map<number, { at: number; fn: () => void }>();
  #seq = 0;
  constructor(public t: number) {}

  now = (): number => this.t;

  setTimer = (fn: () => void, ms: number): unknown => {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  /** Lets pending promise chains (run bodies, store writes) settle without moving time. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves time forward to `t + ms`, firing every timer due on the way at its own instant. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await this.settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = target;
    await this.settle();
  }
}
