import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createGatewayLogger, type GatewayLogger } from "../../src/logging/index.ts";
import type { ServerLogger } from "../../src/server/logger-port.ts";
import { fakeClock, localDate, makeTempDir, readRecords, recordingConsole } from "./_helpers.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir()));
afterEach(() => temp.cleanup());

const DAY = localDate(2026, 11, 22, 18, 35, 59);

function setup(extra: Parameters<typeof createGatewayLogger>[0] = {}) {
  const console = recordingConsole();
  const clock = fakeClock(DAY);
  const logger = createGatewayLogger({ dir: temp.dir, console, now: clock.now, ...extra });
  return { logger, console, clock, file: join(temp.dir, "openclaw-2026-11-22.log") };
}

describe("file record", () => {
  test("one JSON object per line with the fields the reference CLI parser reads", () => {
    const { logger, file } = setup();
    logger.info("listening", { port: 18789, bind: "loopback" });
    logger.close();
    expect(logger.file()).toBe(file);
    const [record] = readRecords(file);
    expect(record).toMatchObject({ level: "info", subsystem: "gateway", message: "listening", port: 18789, bind: "loopback" });
    expect(record!.time).toMatch(/^2026-11-22T18:35:59\.000[+-]\d{2}:\d{2}$/);
    expect(Date.parse(record!.time as string)).toBe(DAY.getTime());
    expect(record!._meta).toMatchObject({
      logLevelName: "INFO",
      logLevelId: 3,
      date: DAY.toISOString(),
      name: JSON.stringify({ subsystem: "gateway" }),
    });
  });

  test("children nest their subsystem and share the file", () => {
    const { logger, file } = setup({ subsystem: "gateway" });
    logger.child("ws").child("auth").warn("bad token");
    logger.close();
    const [record] = readRecords(file);
    expect(record).toMatchObject({ subsystem: "gateway/ws/auth", level: "warn" });
    expect((record!._meta as Record<string, unknown>).name).toBe('{"subsystem":"gateway/ws/auth"}');
  });

  test("meta that would overwrite a record field is kept under meta_<key>; odd values never throw", () => {
    const { logger, file } = setup();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    logger.error("boom", { level: "x", message: "y", error: new Error("disk full"), big: 10n, cyclic });
    logger.close();
    const [record] = readRecords(file);
    expect(record).toMatchObject({ level: "error", message: "boom", meta_level: "x", meta_message: "y", big: "10" });
    expect(record!.error).toMatchObject({ name: "Error", message: "disk full" });
    expect(record!.cyclic).toEqual({ name: "loop", self: "[Circular]" });
  });

  test("file mode 0600 in a directory created 0700", async () => {
    const dir = join(temp.dir, "nested", "logs");
    const logger = createGatewayLogger({ dir, console: recordingConsole(), now: () => DAY });
    logger.info("hello");
    const { statSync } = await import("node:fs");
    expect(statSync(logger.file()).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  test("a logger is a ServerLogger", () => {
    const { logger } = setup();
    const asServerLogger: ServerLogger = logger;
    const child: ServerLogger = asServerLogger.child("x");
    expect(typeof child.info).toBe("function");
  });
});

describe("levels", () => {
  test("file and console filter independently", () => {
    const { logger, console, file } = setup({ level: "debug", consoleLevel: "warn" });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.close();
    expect(readRecords(file).map((r) => r.message)).toEqual(["d", "i", "w"]);
    expect(console.outLines).toEqual([]);
    expect(console.errLines).toHaveLength(1);
    expect(console.errLines[0]).toContain("w");
  });

  test("default levels are info for both; debug reaches neither", () => {
    const { logger, console, file } = setup();
    logger.debug("hidden");
    logger.info("shown");
    logger.close();
    expect(readRecords(file).map((r) => r.message)).toEqual(["shown"]);
    expect(console.outLines).toHaveLength(1);
  });

  test("silent turns a sink off", () => {
    const { logger, console, file } = setup({ level: "silent", consoleLevel: "debug" });
    logger.error("only console");
    logger.close();
    expect(() => readRecords(file)).toThrow();
    expect(console.errLines).toHaveLength(1);
  });

  test("reconfigure changes levels and the file without a restart", () => {
    const { logger, console } = setup({ consoleLevel: "info" });
    const fixed = join(temp.dir, "fixed.log");
    logger.debug("before");
    logger.reconfigure({ level: "debug", consoleLevel: "debug", file: fixed });
    logger.debug("after");
    expect(logger.file()).toBe(fixed);
    expect(readRecords(fixed).map((r) => r.message)).toEqual(["after"]);
    expect(console.outLines).toHaveLength(1);
    logger.reconfigure({ file: undefined });
    expect(logger.file()).toBe(join(temp.dir, "openclaw-2026-11-22.log"));
  });
});

describe("console", () => {
  const styled = (style: "pretty" | "compact" | "json", extra: Record<string, unknown> = {}) => {
    const { logger, console } = setup({ consoleStyle: style, ...extra });
    logger.child("ws").info("client connected");
    logger.child("ws").warn("slow client", { conn: "c1", ms: 1200 });
    logger.close();
    return console;
  };

  test("pretty: HH:MM:SS level [subsystem] message; warn+ carry a key=value tail on stderr", () => {
    const console = styled("pretty");
    expect(console.outLines).toEqual(["18:35:59 info  [gateway/ws] client connected"]);
    expect(console.errLines).toEqual(["18:35:59 warn  [gateway/ws] slow client conn=c1 ms=1200"]);
  });

  test("compact: one short line", () => {
    const console = styled("compact");
    expect(console.outLines).toEqual(["[gateway/ws] client connected"]);
    expect(console.errLines).toEqual(["[gateway/ws] warn: slow client conn=c1 ms=1200"]);
  });

  test("json: the file record", () => {
    const console = styled("json");
    expect(JSON.parse(console.outLines[0]!)).toMatchObject({ subsystem: "gateway/ws", message: "client connected" });
    expect(JSON.parse(console.errLines[0]!)).toMatchObject({ level: "warn", conn: "c1", ms: 1200 });
  });

  test("colour only when asked, and never in the file", () => {
    expect(styled("pretty").outLines[0]).not.toContain("\x1b[");
    const { logger, console, file } = setup({ color: true });
    logger.info("coloured");
    logger.close();
    expect(console.outLines[0]).toContain("\x1b[");
    expect(readRecords(file).at(-1)!.message).toBe("coloured");
  });

  test("subsystem filter limits the console, not the file", () => {
    const { logger, console, file } = setup({ consoleSubsystemFilter: "gateway/ws" });
    logger.info("root");
    logger.child("ws").info("ws line");
    logger.child("discovery").info("mdns");
    logger.close();
    expect(console.outLines.map((l) => l.split("] ")[1])).toEqual(["ws line"]);
    expect(readRecords(file)).toHaveLength(3);
  });

  test("a throwing console does not reach the caller", () => {
    const logger: GatewayLogger = createGatewayLogger({
      dir: temp.dir,
      now: () => DAY,
      console: { out: () => { throw new Error("EPIPE"); }, err: () => { throw new Error("EPIPE"); } },
    });
    expect(() => logger.info("still fine")).not.toThrow();
    expect(readRecords(logger.file())).toHaveLength(1);
  });
});
