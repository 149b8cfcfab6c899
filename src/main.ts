#!/usr/bin/env bun
// Entry point: the only file that touches process.argv and process.exit (style habit 5).
// `--version` is answered before anything else is imported so it stays in single-digit milliseconds.
import { versionLine } from "./version.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "-v")) {
  console.log(versionLine());
} else {
  const { runCli } = await import("./cli/index.ts");
  const code = await runCli(argv);
  // The command is over: a socket, timer or child it left behind must not keep the process alive
  // (a failed `agent` once hung forever this way). Bun flushes stdout and stderr before exiting.
  process.exit(code);
}
