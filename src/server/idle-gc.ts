// One full garbage collection when the gateway falls quiet after start or after a burst of connections.
// Each handshake leaves a few KB of garbage (upgrade request, connect frame, hello-ok text) that JSC otherwise
// keeps until its next collection, which an idle gateway may not reach for a long time: measured on the
// compiled gateway, ~1.3 KB of RSS per idle connection at 10,000 and ~0.5 MB at idle (BENCHMARKS.md).
import { collectGarbage } from "../platform/gc.ts";

/** A repeating check the collector can stop; injected by tests so no test waits for real time. */
export type Every = (check: () => void, ms: number) => { stop(): void };

export interface IdleCollectorOptions {
  /** Connections since the last collection that make another worth it. */
  threshold?: number;
  /** How long without a new connection counts as quiet. */
  quietMs?: number;
  collect?: () => void;
  every?: Every;
}

const realEvery: Every = (check, ms) => {
  const timer = setInterval(check, ms);
  timer.unref(); // never what keeps the process alive
  return { stop: () => clearInterval(timer) };
};

/**
 * Counts connections; past `threshold` it checks every `quietMs` and collects once a whole period passed with no
 * new connection, so a burst is never interrupted and a steady trickle costs one collection per `threshold`.
 * It starts armed: the start's own garbage is collected once the first quiet period passes.
 */
export class IdleCollector {
  readonly #threshold: number;
  readonly #quietMs: number;
  readonly #collect: () => void;
  readonly #every: Every;
  #count: number;
  #seen = -1;
  #watch: { stop(): void } | undefined;

  constructor(options: IdleCollectorOptions = {}) {
    this.#threshold = options.threshold ?? 1000;
    this.#quietMs = options.quietMs ?? 500;
    this.#collect = options.collect ?? collectGarbage;
    this.#every = options.every ?? realEvery;
    this.#count = this.#threshold;
    this.#arm();
  }

  /** One more connection (accepted or refused: both left their garbage). */
  connected(): void {
    if (++this.#count >= this.#threshold) this.#arm();
  }

  stop(): void {
    this.#watch?.stop();
    this.#watch = undefined;
  }

  #arm(): void {
    this.#watch ??= this.#every(() => this.#check(), this.#quietMs);
  }

  #check(): void {
    if (this.#count !== this.#seen) {
      this.#seen = this.#count; // still busy: wait for a period with no new connection
      return;
    }
    this.stop();
    this.#count = 0;
    this.#seen = -1;
    this.#collect();
  }
}
