// In the one-file release bundle a static import of a Node built-in is evaluated at start wherever it sits, even in a
// module that loads lazily (node:crypto, node:net and node:tls cost ~6 MB of idle memory each, BENCHMARKS.md). Code
// reaches these through src/platform/node.ts, which requires them on first use; type-only imports are free.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(import.meta.dir, "..", "..", "src");
const LAZY_ONLY = /^import\s+(?!type\b)[^;]*from\s+"(node:)?(crypto|net|tls|child_process|dgram|dns|https?|zlib|bun:sqlite)"/m;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [join(dir, e.name)] : []));
}

test("no module statically imports a costly built-in (platform/node.ts loads them on first use)", () => {
  const offenders = files(SRC).filter((file) => LAZY_ONLY.test(readFileSync(file, "utf8"))).map((file) => relative(SRC, file));
  expect(offenders).toEqual([]);
});
