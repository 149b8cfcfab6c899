import type { ConsoleSink } from "./types.ts";

/**
 * The default console: stdout for out, stderr for err. It goes through `console.log`/`console.error`
 * and touches nothing at import time, because in Bun the first `process.stdout` access costs ~12–18 ms
 * and console.log ~5 ms (engineering.md §4). The "%s" keeps a `%d` in a message from being a format.
 */
export const processConsoleSink: ConsoleSink = {
  out: (line) => console.log("%s", line),
  err: (line) => console.error("%s", line),
};
