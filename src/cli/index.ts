import { runCommand, type CommandDef } from "citty";
import { isTerminal } from "../platform/terminal.ts";
import { commandTimeoutMs, withinDeadline } from "./_deadline.ts";
import { assertKnownArgs, closest, extractGlobalFlags } from "./_flags.ts";
import { renderGroupHelp, renderLeafHelp } from "./_help.ts";
import { COMMANDS, type CommandNode } from "./commands.ts";
import { CliError, type CliContext } from "./context.ts";
import { applyLegacyEnv } from "./_legacy-env.ts";

/** Side channels of a CLI run; tests pass their own to capture output and isolate the environment. */
export interface CliIo {
  env?: Record<string, string | undefined>;
  out?: (text: string) => void;
  err?: (text: string) => void;
  isTTY?: boolean;
}

/** Runs one `openclaw` command line and resolves to its exit code; it never calls process.exit. */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const legacy = applyLegacyEnv(io.env ?? process.env);
  const env = legacy.env;
  const colorAllowed = !argv.includes("--no-color") && !("NO_COLOR" in env && env.NO_COLOR !== "");
  // citty colours its usage errors whatever the stream; a stream that is not a colour terminal gets none.
  const out = plainUnless(() => colorAllowed && (io.isTTY ?? isStreamTTY(1)), io.out ?? ((text: string) => console.log(text)));
  const err = plainUnless(() => colorAllowed && (io.isTTY ?? isStreamTTY(2)), io.err ?? ((text: string) => console.error(text)));
  if (legacy.notice) err(legacy.notice);
  try {
    const globals = extractGlobalFlags(argv);
    if (globals.version) {
      // Anywhere on the line, as the README promises; `--json` asks for the machine form.
      const { VERSION, COMMIT, versionLine } = await import("../version.ts");
      out(globals.rest.includes("--json") ? JSON.stringify({ version: VERSION, commit: COMMIT }) : versionLine());
      return 0;
    }
    const color = colorAllowed && (io.isTTY ?? isStreamTTY(1));
    const context: CliContext = {
      profile: globals.dev ? "dev" : globals.profile,
      dev: globals.dev,
      color,
      env,
      out,
      err,
      commands: COMMANDS,
    };
    return await dispatch(globals.rest, globals.help, context);
  } catch (error) {
    return reportError(error, err);
  }
}

async function dispatch(args: string[], help: boolean, context: CliContext): Promise<number> {
  let node: CommandNode = { description: "OpenClaw Gateway: the control plane of your personal AI assistant", sub: COMMANDS };
  let path = "openclaw";
  let rest = args;
  while (node.sub) {
    const sub = node.sub;
    // Flags may stand before the child's name (`gateway --port 5 run`), so look for a child name first.
    const childIndex = rest.findIndex((token) => Object.hasOwn(sub, token));
    const index = childIndex !== -1 ? childIndex : rest.findIndex((token) => !token.startsWith("-"));
    const name = index === -1 ? undefined : rest[index]!;
    const child = childIndex !== -1 ? sub[rest[childIndex]!] : undefined;
    if (child && name !== undefined) {
      rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
      path = `${path} ${name}`;
      node = child;
      continue;
    }
    // A bare word that is not a child is a typo, unless it follows a flag (then it may be that flag's value).
    if (name !== undefined && (index === 0 || !node.default)) {
      const guess = closest(name, Object.keys(node.sub));
      throw new CliError(
        `Unknown command ${JSON.stringify(name)} for \`${path}\``,
        1,
        `${guess ? `Did you mean \`${path} ${guess}\`? ` : ""}See \`${path} --help\`.`,
      );
    }
    if (node.default && !help) {
      path = `${path} ${node.default}`;
      node = node.sub[node.default]!;
      continue;
    }
    if (!help && rest.length > 0) assertKnownArgs(rest, {}, path);
    context.out(renderGroupHelp(path, node.description, node.sub, node.default));
    return 0;
  }
  const def = await node.load!();
  if (help) {
    context.out(await renderLeafHelp(def, path));
    return 0;
  }
  const argsDef = typeof def.args === "function" ? await def.args() : await def.args;
  assertKnownArgs(rest, argsDef ?? {}, path);
  const running = runCommand(def as CommandDef, { rawArgs: rest, data: context });
  const timeoutMs = commandTimeoutMs(argsDef ?? {}, rest);
  const { result } = timeoutMs === undefined
    ? await running
    : await withinDeadline(running, timeoutMs, () => new CliError(`\`${path}\` did not finish within its deadline (--timeout ${timeoutMs}ms)`));
  return typeof result === "number" ? result : 0;
}

function reportError(error: unknown, err: (text: string) => void): number {
  if (error instanceof CliError) {
    err(`Error: ${error.message}`);
    if (error.hint) err(error.hint);
    return error.exitCode;
  }
  const named = error as { name?: string; message?: string; code?: string };
  if (named?.name === "ConfigError" || named?.name === "CLIError") {
    // Known boundary errors carry a message written for people; no stack.
    err(`Error: ${named.message}`);
    return 1;
  }
  err(`Unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  return 1;
}

function isStreamTTY(fd: 1 | 2): boolean {
  // Checked lazily, and never through process.stdout, which costs ~12 ms at startup (engineering.md §4) and MBs of
  // idle memory for as long as the gateway runs (platform/terminal.ts).
  return isTerminal(fd) && process.env.TERM !== "dumb";
}

/** A sink that strips ANSI escapes unless colour is allowed on it (asked on the first write only). */
function plainUnless(color: () => boolean, sink: (text: string) => void): (text: string) => void {
  let plain: boolean | undefined;
  return (text) => {
    plain ??= !color();
    sink(plain && text.includes("\u001b[") ? Bun.stripANSI(text) : text);
  };
}
