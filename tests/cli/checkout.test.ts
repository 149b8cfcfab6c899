// Running the CLI from a checkout (issue 15 §3.4): `npx openclaw` links the package's `bin` and sets the
// run bit on its target, so that target must be committed executable or the next build is stamped -dirty.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");

test("the bin target is committed executable, with a shebang, so npx changes nothing git tracks", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
  for (const target of Object.values(pkg.bin)) {
    const staged = Bun.spawnSync(["git", "ls-files", "-s", "--", target], { cwd: ROOT }).stdout.toString();
    expect(staged.split(" ")[0]).toBe("100755");
    expect(readFileSync(join(ROOT, target), "utf8").startsWith("#!/usr/bin/env bun\n")).toBe(true);
  }
});

test("npm run openclaw passes its arguments to the CLI", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const run = Bun.spawnSync(["npm", "run", "--silent", "openclaw", "--", "gateway", "--version"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
  expect(pkg.scripts.openclaw).toBe("exec bun src/main.ts");
  expect(run.exitCode).toBe(0);
  expect(run.stdout.toString()).toMatch(/^OpenClaw \S+ \(\S+\)\n$/);
});
