import { runCommand, type CommandDef } from "citty";
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
  const out = io.out ?? ((text: string) => console.log(text));
  const err = io.err ?? ((text: string) => console.error(text));
  const legacy = applyLegacyEnv(io.env ?? process.env);
  const env = legacy.env;
  if (legacy.notice) err(legacy.notice);
  try {
    const globals = extractGlobalFlags(argv);
    const color = !globals.noColor && !("NO_COLOR" in env && env.NO_COLOR !== "") && (io.isTTY ?? isStdoutTTY());
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
  const { result } = await runCommand(def as CommandDef, { rawArgs: rest, data: context });
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

function isStdoutTTY(): boolean {
  // Checked lazily: touching process.stdout costs ~12 ms at startup (engineering.md §4).
  return Boolean(process.stdout.isTTY) && process.env.TERM !== "dumb";
}
