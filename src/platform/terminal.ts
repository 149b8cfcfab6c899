// Whether an output stream is a terminal, asked without `process.stdout`/`process.stderr`: in Bun the first access
// to either builds a Node stream, which costs ~1.5–7.5 MB of idle RSS for the gateway's whole life (measured on the
// compiled binary: +7.5 MB on a bare server), only to learn whether to colour the output.
import { fstatSync, readlinkSync } from "node:fs";

/** True when file descriptor 1 or 2 is a terminal; on Linux from /proc, elsewhere from the Node stream. */
export function isTerminal(fd: 1 | 2): boolean {
  if (process.platform === "linux") {
    try {
      // A terminal is a character device named like one (/dev/null is a character device too).
      return fstatSync(fd).isCharacterDevice() && /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false; // no /proc, or the descriptor is closed: no colour
    }
  }
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}
