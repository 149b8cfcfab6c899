// The shape of src/ as src/README.md states it: no import cycle anywhere, `server/` knows no feature, and the leaves
// (protocol, config, logging, platform, surface) import nothing above them. Imports are read as text, like the
// shared tools/import-cycles.mjs does, so a type-only import counts too.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "..", "src");
/** Every folder of src/ that is not infrastructure is a feature: a new one is covered without editing this list. */
const INFRASTRUCTURE = ["cli", "client", "config", "logging", "methods", "platform", "protocol", "server", "service", "surface"];
const FEATURES = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory() && !INFRASTRUCTURE.includes(name));
/** Leaf folders and what each may import besides itself and `node:`/packages. */
const LEAVES: Record<string, string[]> = {
  protocol: [],
  platform: [],
  logging: ["platform"],
  config: ["protocol", "platform"],
  surface: ["protocol", "config", "logging", "methods", "platform"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "client" && dir.endsWith("ui") ? [] : sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    if (spec.startsWith(".")) found.push(resolve(dirname(file), spec));
  }
  return found;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => target !== file)]));
const folderOf = (file: string) => relative(SRC, file).split("/")[0]!;

/** Strongly connected components with more than one file (Tarjan), each a cycle to report. */
function cycles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(SRC, member));
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!indices.has(file)) visit(file);
  return found;
}

describe("src/ import graph", () => {
  test("reads a realistic number of files and imports", () => {
    expect(files.length).toBeGreaterThan(150);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });

  test("has no import cycle", () => {
    expect(cycles()).toEqual([]);
  });

  test("server/ imports no feature folder (features are mounted through src/features.ts)", () => {
    const offending = files
      .filter((file) => folderOf(file) === "server")
      .flatMap((file) => (graph.get(file) ?? []).filter((target) => FEATURES.includes(folderOf(target))).map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`));
    expect(offending).toEqual([]);
  });

  test("leaf folders import nothing above them", () => {
    const offending = files
      .filter((file) => folderOf(file) in LEAVES)
      .flatMap((file) => {
        // src/version.ts (the build's version constants) is a leaf every folder may read.
        const allowed = new Set([folderOf(file), "version.ts", ...LEAVES[folderOf(file)]!]);
        return (graph.get(file) ?? []).filter((target) => !allowed.has(folderOf(target))).map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`);
      });
    expect(offending).toEqual([]);
  });

  test("features reach the server only through surface/ (never server/ itself)", () => {
    const offending = files
      .filter((file) => FEATURES.includes(folderOf(file)))
      .flatMap((file) => (graph.get(file) ?? []).filter((target) => folderOf(target) === "server").map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`));
    expect(offending).toEqual([]);
  });
});

test("the feature folders are the ones src/README.md names (a stray folder is classified on purpose)", () => {
  expect(FEATURES.sort()).toEqual(["agents", "automations", "canvas", "channels", "devices", "discovery", "hooks", "nodes", "ui", "update"]);
});
