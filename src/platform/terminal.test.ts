import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PROBE = `const { isTerminal } = require(${JSON.stringify(join(import.meta.dir, "terminal.ts"))}); console.log(JSON.stringify([isTerminal(1), isTerminal(2)]));`;

test("a pipe and /dev/null are not terminals", async () => {
  const piped = Bun.spawn([process.execPath, "-e", PROBE], { stdout: "pipe", stderr: "pipe" });
  expect(JSON.parse(await new Response(piped.stdout).text())).toEqual([false, false]);
  const out = join(mkdtempSync(join(tmpdir(), "openclaw-tty-")), "out.json");
  const toFile = PROBE.replace("console.log(", `require("node:fs").writeFileSync(${JSON.stringify(out)}, `);
  expect(await Bun.spawn([process.execPath, "-e", toFile], { stdout: "ignore", stderr: "ignore" }).exited).toBe(0);
  expect(JSON.parse(readFileSync(out, "utf8"))).toEqual([false, false]);
});

// `script` runs the probe on a pseudo-terminal, as an interactive shell would.
test.skipIf(process.platform !== "linux" || !existsSync("/usr/bin/script"))("a pseudo-terminal is a terminal", async () => {
  const command = `${process.execPath} -e ${JSON.stringify(PROBE)}`.replaceAll("'", "'\\''");
  const run = Bun.spawn(["/usr/bin/script", "-qec", command, "/dev/null"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const text = await new Response(run.stdout).text();
  expect(JSON.parse(text.replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").at(-1)!)).toEqual([true, true]);
});
