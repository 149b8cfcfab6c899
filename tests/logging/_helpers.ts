// Shared by the logging tests: real temp dirs, a settable clock and a console that records lines.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsoleSink } from "../../src/logging/index.ts";

/** A fresh temp dir, removed by the returned cleanup. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-logging-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock tests move by hand. */
export function fakeClock(start: Date): { now: () => Date; set: (date: Date) => void; advance: (ms: number) => void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (date) => void (current = date.getTime()),
    advance: (ms) => void (current += ms),
  };
}

/** A console sink that keeps what it was given, per stream. */
export function recordingConsole(): ConsoleSink & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (line) => void outLines.push(line), err: (line) => void errLines.push(line) };
}

/** The JSON records of a log file. */
export function readRecords(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Local noon of a date, so tests do not depend on the machine's time zone. */
export function localDate(year: number, month: number, day: number, hour = 12, minute = 0, second = 0): Date {
  return new Date(year, month - 1, day, hour, minute, second);
}
