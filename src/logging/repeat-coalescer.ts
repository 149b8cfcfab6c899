// One line repeated in a loop once flooded the reference's error log (field lessons, #41676). Identical
// consecutive records (same level, subsystem and message; meta is ignored) within a window are written
// once, then summarized by a single "<message> (repeated N times)" record, N being the suppressed
// count. The summary is written when a different record arrives, when the window has passed, or by a
// timer, so a flood costs at most two lines per window.
import type { LogEvent } from "./record.ts";

export const REPEAT_WINDOW_MS = 5_000;

/** Starts a one-shot timer and returns its cancel function; injected so tests need no real time. */
export type ScheduleTimer = (callback: () => void, ms: number) => () => void;

/** The default: a timer that never keeps the process alive on its own. */
export const unrefTimer: ScheduleTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
};

interface Run {
  key: string;
  first: LogEvent;
  suppressed: number;
  lastTime: Date;
  cancelTimer?: () => void;
}

export class RepeatCoalescer {
  #run: Run | undefined;

  constructor(
    private readonly emit: (event: LogEvent) => void,
    private readonly schedule: ScheduleTimer = unrefTimer,
    private readonly windowMs = REPEAT_WINDOW_MS,
  ) {}

  /** Emits the event now, or counts it as a repeat of the previous one. */
  push(event: LogEvent): void {
    const key = `${event.level}\u0000${event.subsystem}\u0000${event.message}`;
    const run = this.#run;
    if (run && run.key === key && event.time.getTime() - run.first.time.getTime() < this.windowMs) {
      run.suppressed++;
      run.lastTime = event.time;
      run.cancelTimer ??= this.schedule(() => this.flush(), this.windowMs);
      return;
    }
    this.flush();
    this.#run = { key, first: event, suppressed: 0, lastTime: event.time };
    this.emit(event);
  }

  /** Writes the pending summary, if any, and forgets the run. */
  flush(): void {
    const run = this.#run;
    this.#run = undefined;
    if (!run) return;
    run.cancelTimer?.();
    if (run.suppressed === 0) return;
    const { level, subsystem, message } = run.first;
    this.emit({
      time: run.lastTime,
      level,
      subsystem,
      message: `${message} (repeated ${run.suppressed} times)`,
      meta: { repeated: run.suppressed },
    });
  }
}
