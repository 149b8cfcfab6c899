import { afterEach, beforeEach, expect, test } from "bun:test";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { createGatewayLogger as createWithEffects } from "../../src/logging/gateway-logger.ts";
import { fakeClock, localDate, makeTempDir, readRecords, recordingConsole } from "./_helpers.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir()));
afterEach(() => temp.cleanup());

function setup() {
  const clock = fakeClock(localDate(2026, 11, 22));
  const console = recordingConsole();
  const logger = createGatewayLogger({ dir: temp.dir, console, now: clock.now });
  const messages = () => readRecords(logger.file()).map((r) => r.message);
  return { clock, console, logger, messages };
}

test("a flood of one line is written once, then summarized when a different line arrives", () => {
  const { clock, console, logger, messages } = setup();
  for (let i = 0; i < 1_000; i++) {
    logger.error("mdns probe failed", { attempt: i });
    clock.advance(1);
  }
  logger.info("recovered");
  logger.close();
  expect(messages()).toEqual(["mdns probe failed", "mdns probe failed (repeated 999 times)", "recovered"]);
  const summary = readRecords(logger.file())[1]!;
  expect(summary).toMatchObject({ level: "error", repeated: 999 });
  expect(summary).not.toHaveProperty("attempt");
  // The console gets the same three records, not a thousand.
  expect(console.errLines).toHaveLength(2);
  expect(console.outLines).toHaveLength(1);
});

test("the same message from another subsystem or level is a different line", () => {
  const { logger, messages } = setup();
  logger.info("tick");
  logger.child("cron").info("tick");
  logger.warn("tick");
  logger.close();
  expect(messages()).toEqual(["tick", "tick", "tick"]);
});

test("a repeat after the window starts a new run, so a slow repeater costs at most two lines per window", () => {
  const { clock, logger, messages } = setup();
  logger.warn("slow");
  clock.advance(1_000);
  logger.warn("slow");
  clock.advance(10_000);
  logger.warn("slow");
  logger.close();
  expect(messages()).toEqual(["slow", "slow (repeated 1 times)", "slow"]);
});

test("close writes the pending summary", () => {
  const { logger, messages } = setup();
  logger.info("same");
  logger.info("same");
  logger.info("same");
  logger.close();
  expect(messages()).toEqual(["same", "same (repeated 2 times)"]);
});

test("the flush timer writes the summary when nothing else is logged", () => {
  const timers: (() => void)[] = [];
  const logger = createWithEffects(
    { dir: temp.dir, console: recordingConsole(), now: () => localDate(2026, 11, 22) },
    { schedule: (callback) => (timers.push(callback), () => {}) },
  );
  logger.info("same");
  logger.info("same");
  expect(timers).toHaveLength(1);
  timers[0]!();
  expect(readRecords(logger.file()).map((r) => r.message)).toEqual(["same", "same (repeated 1 times)"]);
  logger.close();
  expect(readRecords(logger.file())).toHaveLength(2);
});
