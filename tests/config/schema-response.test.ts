// config.schema answers from the generated schema.json: the same schema the zod source produces, without loading
// the zod schema module (schema.ts) into the gateway to answer it.
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configJsonSchema } from "../../src/config/schema.ts";
import { configSchemaResponse } from "../../src/config/schema-response.ts";

const SRC = join(import.meta.dir, "..", "..", "src");
const PRELOAD = join(import.meta.dir, "..", "cli-operator", "_trace-preload.ts");

test("the answer's schema is what the zod schema generates", () => {
  expect(configSchemaResponse().schema).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
});

test("building the answer loads no zod schema module", () => {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-schema-trace-"));
  try {
    const file = join(dir, "trace.txt");
    const script = `const m = await import(${JSON.stringify(join(SRC, "config", "schema-response.ts"))}); m.configSchemaResponse();`;
    const proc = Bun.spawnSync([process.execPath, "--preload", PRELOAD, "-e", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", OPENCLAW_TRACE_FILE: file }, stderr: "pipe" });
    expect(proc.stderr.toString()).toBe("");
    const loaded = readFileSync(file, "utf8").trim().split("\n").map((line) => line.replace(/^load .*\/src\//, "src/"));
    expect(loaded).toContain("src/config/schema-response.ts");
    expect(loaded).not.toContain("src/config/schema.ts");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
