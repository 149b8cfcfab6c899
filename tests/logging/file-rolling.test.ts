import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { fakeClock, localDate, makeTempDir, readRecords, recordingConsole } from "./_helpers.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir()));
afterEach(() => temp.cleanup());

describe("daily file", () => {
  test("rolls at local midnight without a restart", () => {
    const clock = fakeClock(localDate(2026, 11, 22, 23, 59, 58));
    const logger = createGatewayLogger({ dir: temp.dir, console: recordingConsole(), now: clock.now });
    logger.info("before midnight");
    const first = logger.file();
    clock.set(localDate(2026, 11, 23, 0, 0, 0));
    expect(logger.file()).toBe(join(temp.dir, "openclaw-2026-11-23.log"));
    logger.info("after midnight");
    logger.close();
    expect(first).toBe(join(temp.dir, "openclaw-2026-11-22.log"));
    expect(readRecords(first).map((r) => r.message)).toEqual(["before midnight"]);
    expect(readRecords(logger.file()).map((r) => r.message)).toEqual(["after midnight"]);
  });

  test("a profile prefix names the daily file", () => {
    const logger = createGatewayLogger({ dir: temp.dir, filePrefix: "openclaw-dev", console: recordingConsole(), now: () => localDate(2026, 3, 4) });
    expect(logger.file()).toBe(join(temp.dir, "openclaw-dev-2026-03-04.log"));
  });

  test("retention prunes old daily files and their archives at start and at each day roll", () => {
    const names = ["openclaw-2026-11-10.log", "openclaw-2026-11-10.1.log", "openclaw-2026-11-14.log", "openclaw-2026-11-15.log", "openclaw-dev-2026-11-01.log", "notes.txt"];
    for (const name of names) writeFileSync(join(temp.dir, name), "{}\n");
    const clock = fakeClock(localDate(2026, 11, 22));
    const logger = createGatewayLogger({ dir: temp.dir, retentionDays: 7, console: recordingConsole(), now: clock.now });
    // 7 days before the 22nd is the 15th: older files go; other prefixes and other names stay.
    expect(readdirSync(temp.dir).sort()).toEqual(["notes.txt", "openclaw-2026-11-15.log", "openclaw-dev-2026-11-01.log"]);
    clock.set(localDate(2026, 11, 23, 0, 0, 1));
    logger.info("new day");
    logger.close();
    expect(readdirSync(temp.dir).sort()).toEqual(["notes.txt", "openclaw-2026-11-23.log", "openclaw-dev-2026-11-01.log"]);
  });
});

describe("size rotation", () => {
  const line = (i: number) => `line ${i} ${"x".repeat(100)}`;

  test("past the cap: numbered archives appear and the active file keeps receiving lines", () => {
    const console = recordingConsole();
    const logger = createGatewayLogger({ dir: temp.dir, maxFileBytes: 2_000, console, consoleLevel: "silent", now: () => localDate(2026, 11, 22) });
    for (let i = 0; i < 100; i++) logger.info(line(i));
    logger.close();
    const active = logger.file();
    const files = readdirSync(temp.dir).sort();
    // Five archives at most, whatever was written.
    expect(files).toEqual([
      "openclaw-2026-11-22.1.log",
      "openclaw-2026-11-22.2.log",
      "openclaw-2026-11-22.3.log",
      "openclaw-2026-11-22.4.log",
      "openclaw-2026-11-22.5.log",
      "openclaw-2026-11-22.log",
    ]);
    for (const name of files) expect(statSync(join(temp.dir, name)).size).toBeLessThanOrEqual(2_000);
    expect(readRecords(active).at(-1)!.message).toBe(line(99));
    // Archive .1 holds the lines just before the active file's first line.
    const firstActive = Number(String(readRecords(active)[0]!.message).split(" ")[1]);
    expect(readRecords(join(temp.dir, "openclaw-2026-11-22.1.log")).at(-1)!.message).toBe(line(firstActive - 1));
    expect(console.errLines).toEqual([]);
  });

  test("a fixed logging.file rotates beside itself", () => {
    const file = join(temp.dir, "gateway.log");
    const logger = createGatewayLogger({ file, maxFileBytes: 1_024, console: recordingConsole() });
    for (let i = 0; i < 30; i++) logger.info(line(i));
    logger.close();
    expect(existsSync(join(temp.dir, "gateway.1.log"))).toBe(true);
    expect(readRecords(file).at(-1)!.message).toBe(line(29));
  });
});

describe("fs failures", () => {
  test("are reported once on the console and never thrown; logging resumes when the path works", () => {
    const blocker = join(temp.dir, "not-a-dir");
    writeFileSync(blocker, "");
    const console = recordingConsole();
    const logger = createGatewayLogger({ file: join(blocker, "gateway.log"), console, consoleLevel: "silent" });
    expect(() => {
      logger.info("one");
      logger.info("two");
      logger.error("three");
    }).not.toThrow();
    expect(console.errLines).toHaveLength(1);
    expect(console.errLines[0]).toContain("cannot write log file");
    const good = join(temp.dir, "good.log");
    logger.reconfigure({ file: good });
    logger.info("four");
    logger.close();
    expect(readRecords(good).map((r) => r.message)).toEqual(["four"]);
  });
});
