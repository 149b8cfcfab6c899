import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGatewayLogger, readLogTail } from "../../src/logging/index.ts";
import { localDate, makeTempDir, recordingConsole } from "./_helpers.ts";

let temp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  temp = makeTempDir();
  file = join(temp.dir, "gateway.log");
});
afterEach(() => temp.cleanup());

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}`);
const asText = (list: string[]) => list.map((l) => `${l}\n`).join("");

/** Follows the file the way `openclaw logs --follow` does, collecting every returned line. */
async function drain(cursor: number | undefined, opts: { limit: number; maxBytes: number }) {
  const seen: string[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const result = await readLogTail({ file, cursor, ...opts });
    seen.push(...result.lines);
    if (result.cursor === cursor || result.cursor === result.size) return { seen, cursor: result.cursor };
    cursor = result.cursor;
  }
  throw new Error("cursor never settled");
}

test("a missing file is an empty result", async () => {
  expect(await readLogTail({ file, limit: 10, maxBytes: 1000 })).toEqual({ file, cursor: 0, size: 0, lines: [], truncated: false, reset: false });
  expect(await readLogTail({ file, cursor: 500, limit: 10, maxBytes: 1000 })).toMatchObject({ lines: [], cursor: 0, reset: false });
});

describe("first look (no cursor)", () => {
  test("a small file comes back whole", async () => {
    writeFileSync(file, asText(lines(0, 3)));
    const result = await readLogTail({ file, limit: 10, maxBytes: 1000 });
    expect(result).toMatchObject({ lines: lines(0, 3), cursor: result.size, truncated: false, reset: false });
  });

  test("only the last maxBytes, starting at a whole line, flagged truncated", async () => {
    writeFileSync(file, asText(lines(0, 100)));
    const result = await readLogTail({ file, limit: 1000, maxBytes: 50 });
    expect(result.truncated).toBe(true);
    expect(result.cursor).toBe(result.size);
    expect(result.lines).toEqual(lines(100 - result.lines.length, 100));
    expect(result.lines.length).toBeGreaterThan(0);
  });

  test("at most limit lines, the newest", async () => {
    writeFileSync(file, asText(lines(0, 20)));
    const result = await readLogTail({ file, limit: 5, maxBytes: 10_000 });
    expect(result).toMatchObject({ lines: lines(15, 20), truncated: true });
    expect(result.cursor).toBe(result.size);
  });
});

describe("following a cursor", () => {
  test("polling with the returned cursor yields every line exactly once, across partial writes", async () => {
    const all = lines(0, 300);
    const text = asText(all);
    writeFileSync(file, "");
    let cursor = 0;
    const seen: string[] = [];
    // Append in uneven chunks that split lines, polling between chunks with small windows.
    for (let offset = 0, step = 1; offset < text.length; offset += step, step = (step * 7 + 3) % 97 + 1) {
      appendFileSync(file, text.slice(offset, offset + step));
      const result = await readLogTail({ file, cursor, limit: 4, maxBytes: 60 });
      expect(result.reset).toBe(false);
      expect(result.truncated).toBe(false);
      seen.push(...result.lines);
      cursor = result.cursor;
    }
    seen.push(...(await drain(cursor, { limit: 4, maxBytes: 60 })).seen);
    expect(seen).toEqual(all);
  });

  test("a half-written last line is not returned until its newline arrives", async () => {
    writeFileSync(file, '{"n":0}\n{"n":');
    const first = await readLogTail({ file, cursor: 0, limit: 10, maxBytes: 1000 });
    expect(first).toMatchObject({ lines: ['{"n":0}'], cursor: 8 });
    appendFileSync(file, "1}\n");
    const second = await readLogTail({ file, cursor: first.cursor, limit: 10, maxBytes: 1000 });
    expect(second.lines).toEqual(['{"n":1}']);
  });

  test("limit keeps the oldest lines and the cursor stops after them, so nothing is dropped", async () => {
    writeFileSync(file, asText(lines(0, 10)));
    const result = await readLogTail({ file, cursor: 0, limit: 3, maxBytes: 10_000 });
    expect(result).toMatchObject({ lines: lines(0, 3), truncated: false });
    expect((await drain(result.cursor, { limit: 3, maxBytes: 10_000 })).seen).toEqual(lines(3, 10));
  });

  test("a line longer than maxBytes is skipped with skippedBytes; the lines after it still arrive", async () => {
    const long = `{"blob":"${"y".repeat(500)}"}`;
    writeFileSync(file, asText(['{"n":0}', long, '{"n":2}']));
    const seen: string[] = [];
    let cursor = 0;
    let skipped = 0;
    let truncated = false;
    for (let i = 0; i < 100 && cursor < Buffer.byteLength(asText(['{"n":0}', long, '{"n":2}'])); i++) {
      const result = await readLogTail({ file, cursor, limit: 10, maxBytes: 64 });
      seen.push(...result.lines);
      skipped += result.skippedBytes ?? 0;
      truncated ||= result.truncated;
      cursor = result.cursor;
    }
    expect(seen).toEqual(['{"n":0}', '{"n":2}']);
    expect(skipped).toBe(Buffer.byteLength(long) + 1);
    expect(truncated).toBe(true);
  });

  test("CRLF endings and blank lines", async () => {
    writeFileSync(file, '{"n":0}\r\n\n{"n":1}\n');
    const result = await readLogTail({ file, cursor: 0, limit: 10, maxBytes: 1000 });
    expect(result).toMatchObject({ lines: ['{"n":0}', '{"n":1}'], cursor: result.size });
  });
});

test("after size rotation the old cursor is past the end: reset, and reading restarts at 0", async () => {
  const logger = createGatewayLogger({ file, maxFileBytes: 2_000, console: recordingConsole(), consoleLevel: "silent", now: () => localDate(2026, 11, 22) });
  const message = (label: string) => `${label} ${"x".repeat(80)}`;
  // Each record is ~340 bytes: five fit under the cap.
  for (let i = 0; i < 5; i++) logger.info(message(`before-${i}`));
  const beforeRotation = await readLogTail({ file, limit: 1000, maxBytes: 100_000 });
  expect(beforeRotation.lines).toHaveLength(5);
  for (let i = 0; i < 3; i++) logger.info(message(`after-${i}`));
  logger.close();
  expect(existsSync(join(temp.dir, "gateway.1.log"))).toBe(true);
  const result = await readLogTail({ file, cursor: beforeRotation.cursor, limit: 1000, maxBytes: 100_000 });
  expect(result.size).toBeLessThan(beforeRotation.cursor);
  expect(result).toMatchObject({ reset: true, truncated: false, cursor: result.size });
  // Which "after" records landed in the fresh file depends on the record size (hostname, pid): all of
  // the fresh file comes back, and it holds only records written after the rotation.
  const messages = result.lines.map((l) => (JSON.parse(l) as { message: string }).message);
  expect(result.lines).toEqual(readFileSync(file, "utf8").split("\n").filter(Boolean));
  expect(messages.length).toBeGreaterThan(0);
  expect(messages).toEqual([message("after-0"), message("after-1"), message("after-2")].slice(3 - messages.length));
});
