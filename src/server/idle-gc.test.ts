import { describe, expect, test } from "bun:test";
import { IdleCollector, type Every } from "./idle-gc.ts";

/** A hand-driven repeating check: `tick()` runs it as if one quiet period had passed. */
function manual() {
  let check: (() => void) | undefined;
  const every: Every = (fn) => {
    check = fn;
    return { stop: () => (check = undefined) };
  };
  return { every, tick: () => check?.(), get armed() { return check !== undefined; } };
}

describe("IdleCollector", () => {
  test("collects once after start when nothing connects, then stays disarmed", () => {
    const clock = manual();
    let collections = 0;
    new IdleCollector({ threshold: 3, every: clock.every, collect: () => collections++ });
    clock.tick();
    expect(collections).toBe(0); // a first period only notes where the count stands
    clock.tick();
    expect(collections).toBe(1);
    expect(clock.armed).toBe(false);
  });

  test("never collects during a burst; once after it, when a whole period saw no connection", () => {
    const clock = manual();
    let collections = 0;
    const gc = new IdleCollector({ threshold: 3, every: clock.every, collect: () => collections++ });
    clock.tick();
    clock.tick(); // the start's collection
    gc.connected();
    gc.connected();
    expect(clock.armed).toBe(false); // below the threshold: no check runs at all
    for (let i = 0; i < 5; i++) {
      gc.connected();
      clock.tick();
    }
    expect(collections).toBe(1);
    clock.tick();
    expect(collections).toBe(2);
    expect(clock.armed).toBe(false);
  });

  test("stop() cancels a pending collection", () => {
    const clock = manual();
    let collections = 0;
    const gc = new IdleCollector({ threshold: 1, every: clock.every, collect: () => collections++ });
    gc.stop();
    clock.tick();
    clock.tick();
    expect(collections).toBe(0);
  });
});
