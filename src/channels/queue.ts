// What a message does when its session already has a run: the reference's queue modes. `steer` hands the
// message to the running turn, which takes it at its next model round, when that turn accepts it (else it
// waits like `followup`, as the reference does when steering is unavailable); `collect` merges what waited
// into one turn; `interrupt` aborts and runs the newest. At most `cap` messages wait per session; beyond it
// the oldest is dropped.

export type QueueMode = "steer" | "followup" | "collect" | "interrupt";
const MODES: QueueMode[] = ["steer", "followup", "collect", "interrupt"];
export const QUEUE_CAP = 20;

/** `messages.queue.byChannel.<channel>`, else `messages.queue.mode`, else `steer`. */
export function queueMode(config: Record<string, unknown>, channel: string): QueueMode {
  const queue = ((config as any).messages?.queue ?? {}) as { mode?: string; byChannel?: Record<string, string> };
  const mode = queue.byChannel?.[channel] ?? queue.mode;
  return MODES.includes(mode as QueueMode) ? (mode as QueueMode) : "steer";
}

interface Lane<T> {
  busy: boolean;
  pending: T[];
  /** The items of the turn now running (what a steered message would join). */
  current: T[];
  /** The mode of the latest queued message: it decides how the waiting ones run next. */
  mode?: QueueMode;
}

/** Tries to give an item to the running turn of its session; true when that turn took it. */
export type SteerInto<T> = (key: string, item: T, running: readonly T[]) => boolean;

/** Per-session lanes: one turn at a time per key; `run` gets one item, or several merged under `collect`. */
export class SessionLanes<T> {
  readonly #lanes = new Map<string, Lane<T>>();
  dropped = 0;

  constructor(
    private readonly run: (key: string, items: T[]) => Promise<void>,
    private readonly abort: (key: string) => void,
    private readonly onDrop: (item: T) => void = () => {},
    private readonly steerInto: SteerInto<T> = () => false,
  ) {}

  /** Number of sessions with a run or waiting messages. */
  get size(): number {
    return this.#lanes.size;
  }

  submit(key: string, item: T, mode: QueueMode): void {
    const lane = this.#lanes.get(key) ?? { busy: false, pending: [], current: [] };
    this.#lanes.set(key, lane);
    if (!lane.busy) return this.#start(key, lane, [item], mode);
    // Only when nothing waits ahead of it: a steer must not overtake an earlier queued message.
    if (mode === "steer" && lane.pending.length === 0 && this.steerInto(key, item, lane.current)) return;
    if (mode === "interrupt") {
      for (const replaced of lane.pending) this.onDrop(replaced);
      lane.pending = [item];
      this.abort(key);
      return;
    }
    lane.pending.push(item);
    if (lane.pending.length > QUEUE_CAP) {
      this.onDrop(lane.pending.shift()!);
      this.dropped++;
    }
    lane.mode = mode;
  }

  #start(key: string, lane: Lane<T>, items: T[], mode: QueueMode): void {
    lane.busy = true;
    lane.current = items;
    void this.run(key, items)
      .catch(() => {})
      .finally(() => {
        lane.busy = false;
        lane.current = [];
        const latest = lane.mode ?? mode;
        if (lane.pending.length === 0) {
          this.#lanes.delete(key);
          return;
        }
        const next = latest === "collect" ? lane.pending.splice(0) : [lane.pending.shift()!];
        this.#start(key, lane, next, latest);
      });
  }
}
