// The depth guard every frame and JSON body passes: exact at the bound, blind to brackets inside strings, and its
// bracket-count shortcut never hides a deep text among many shallow ones.
import { expect, test } from "bun:test";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "./json-depth.ts";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

test("nesting up to the bound passes, one more is refused", () => {
  expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
  expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  expect(exceedsJsonDepth(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`)).toBe(false);
  expect(exceedsJsonDepth(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toBe(true);
});

test("brackets inside strings, escaped quotes included, do not count", () => {
  expect(exceedsJsonDepth(JSON.stringify({ text: "[".repeat(10_000) }))).toBe(false);
  expect(exceedsJsonDepth(JSON.stringify({ text: `\\"${"{".repeat(1_000)}\\"` }))).toBe(false);
  expect(exceedsJsonDepth(`["\\"",${nested(MAX_JSON_DEPTH)}]`)).toBe(true);
});

test("many shallow brackets are not deep; a deep run among them is", () => {
  const shallow = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ list: [i] })));
  expect(exceedsJsonDepth(shallow)).toBe(false);
  expect(exceedsJsonDepth(`[${shallow},${nested(MAX_JSON_DEPTH)}]`)).toBe(true);
});
