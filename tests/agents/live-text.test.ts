// LiveText with an injected clock: the reference's 75 ms pacing, nothing lost, and a full-text cost linear in
// the answer whatever the stream's pace (the gateway-level byte count is in event-bytes.test.ts).
import { describe, expect, test } from "bun:test";
import { LIVE_TEXT_PACING_MS, LiveText, SNAPSHOT_BUDGET_FACTOR, SNAPSHOT_BUDGET_SLACK, type LiveClock } from "../../src/agents/live-text.ts";

/** A clock that only moves when told; timers fire as it passes them. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  const clock: LiveClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++ids;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = until;
  };
  return { clock, advance };
}

function recorder(clock: LiveClock, readers = () => true) {
  const sends: Array<{ text: string; delta: string }> = [];
  const live = new LiveText((text, delta) => sends.push({ text, delta }), clock, readers);
  return { live, sends };
}

describe("LiveText", () => {
  test("the first piece goes at once, later ones at most every 75 ms, flush sends the rest", () => {
    const { clock, advance } = manualClock();
    const { live, sends } = recorder(clock);
    live.push("a");
    expect(sends).toEqual([{ text: "a", delta: "a" }]);
    live.push("b");
    advance(LIVE_TEXT_PACING_MS - 1);
    live.push("c");
    expect(sends).toHaveLength(1);
    advance(1);
    expect(sends[1]).toEqual({ text: "abc", delta: "bc" });
    live.push("d");
    live.flush();
    expect(sends[2]).toEqual({ text: "abcd", delta: "d" });
    live.close();
  });

  test("no readers: nothing is sent, the text is still kept", () => {
    const { clock, advance } = manualClock();
    const { live, sends } = recorder(clock, () => false);
    for (let i = 0; i < 100; i++) {
      live.push("xy");
      advance(100);
    }
    live.flush();
    expect(sends).toEqual([]);
    expect(live.text).toBe("xy".repeat(100));
    expect(live.spent).toBe(0);
  });

  for (const [label, msPerDelta] of [["a burst", 0], ["1 ms per delta", 1], ["one delta per tick", LIVE_TEXT_PACING_MS], ["a slow model, 1 s per delta", 1000]] as const) {
    test(`20 KB in 5,000 deltas (${label}): full-text cost ≤ ${SNAPSHOT_BUDGET_FACTOR}× the answer + slack, deltas add up`, () => {
      const { clock, advance } = manualClock();
      const { live, sends } = recorder(clock);
      for (let i = 0; i < 5000; i++) {
        live.push("abcd");
        advance(msPerDelta);
      }
      live.flush();
      const answer = "abcd".repeat(5000);
      expect(sends.map((s) => s.delta).join("")).toBe(answer);
      expect(sends.at(-1)!.text).toBe(answer);
      const copies = sends.reduce((sum, s) => sum + 2 * s.text.length, 0);
      // The flush is outside the budget: at most one more copy of the answer per event.
      expect(copies).toBeLessThanOrEqual(SNAPSHOT_BUDGET_FACTOR * answer.length + SNAPSHOT_BUDGET_SLACK + 2 * answer.length);
    });
  }
});
