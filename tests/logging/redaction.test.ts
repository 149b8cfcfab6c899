import { afterEach, beforeEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { localDate, makeTempDir, readRecords, recordingConsole } from "./_helpers.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir()));
afterEach(() => temp.cleanup());

const TOKEN = "tok_9f8e7d6c5b4a";

for (const consoleStyle of ["pretty", "compact", "json"] as const) {
  test(`a registered secret is absent from file and ${consoleStyle} console, message and meta alike`, () => {
    const console = recordingConsole();
    const logger = createGatewayLogger({ dir: temp.dir, console, consoleStyle, now: () => localDate(2026, 1, 5) });
    logger.redact(TOKEN);
    const ws = logger.child("ws");
    ws.info(`auth ok with ${TOKEN}`);
    ws.warn("auth failed", {
      header: `Bearer ${TOKEN}`,
      nested: { deep: [{ value: TOKEN }] },
      [`key-${TOKEN}`]: true,
      error: new Error(`rejected ${TOKEN}`),
    });
    logger.close();

    const fileText = readFileSync(logger.file(), "utf8");
    const consoleText = [...console.outLines, ...console.errLines].join("\n");
    expect(fileText).not.toContain(TOKEN);
    expect(consoleText).not.toContain(TOKEN);
    const [info, warn] = readRecords(logger.file());
    expect(info!.message).toBe("auth ok with ***");
    expect(warn).toMatchObject({ header: "Bearer ***", nested: { deep: [{ value: "***" }] }, "key-***": true });
    expect(consoleText).toContain("***");
  });
}

test("secrets with JSON-special characters are found and lines stay valid JSON", () => {
  const console = recordingConsole();
  const logger = createGatewayLogger({ dir: temp.dir, console, consoleStyle: "json", now: () => localDate(2026, 1, 5) });
  const password = 'p"a\\ss\nword';
  logger.redact(password);
  logger.info(`login ${password}`, { password });
  logger.close();
  const raw = readFileSync(logger.file(), "utf8");
  expect(raw).not.toContain(JSON.stringify(password).slice(1, -1));
  expect(readRecords(logger.file())[0]).toMatchObject({ message: "login ***", password: "***" });
  expect(console.outLines[0]).not.toContain(JSON.stringify(password).slice(1, -1));
});

test("only lines written after registration are redacted, and the secret applies to every child", () => {
  const logger = createGatewayLogger({ dir: temp.dir, console: recordingConsole(), now: () => localDate(2026, 1, 5) });
  const child = logger.child("auth");
  logger.info(`early ${TOKEN}`);
  child.redact(TOKEN);
  logger.info(`late ${TOKEN}`);
  logger.close();
  expect(readRecords(logger.file()).map((r) => r.message)).toEqual([`early ${TOKEN}`, "late ***"]);
});
