import { expect, test } from "bun:test";
import { ownRecords } from "./record-origin.ts";

const origin = { hostname: "h", pid: 42 };
const own = ownRecords(origin);

test("keeps this gateway's records and lines that are no JSON record; drops other writers'", () => {
  expect(own(JSON.stringify({ pid: 42, hostname: "h", msg: "mine" }))).toBe(true);
  expect(own(JSON.stringify({ pid: 7, hostname: "h", msg: "another gateway" }))).toBe(false);
  expect(own(JSON.stringify({ pid: 42, hostname: "other", msg: "same pid in a container" }))).toBe(false);
  // The reference gateway writes the shared daily file without a pid.
  expect(own(JSON.stringify({ "0": "gmail-watcher", time: "2026-11-29T00:00:00Z" }))).toBe(false);
  expect(own("panic: a crash trace")).toBe(true);
});
