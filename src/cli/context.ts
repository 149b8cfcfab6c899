import type { CommandContext, CommandDef } from "citty";

/** What every command receives besides its own flags: global flags, environment and output sinks. */
export interface CliContext {
  /** `"dev"` under `--dev`, the `--profile` name, or undefined for the default profile. */
  profile: string | undefined;
  dev: boolean;
  /** Colour only for a TTY without `--no-color`/`NO_COLOR`. */
  color: boolean;
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
  /** The command tree the router walks (for `completion`, which must not import the tree it is part of). */
  commands?: Readonly<Record<string, CommandTreeNode>>;
}

/** The shape of a node of the command tree (`commands.ts` builds them). */
export interface CommandTreeNode {
  description: string;
  load?: () => Promise<CommandDef<any>>;
  sub?: Record<string, CommandTreeNode>;
  default?: string;
}

/** Reads the CliContext that the router passes as citty's `data`. */
export function cliContext(context: CommandContext<any>): CliContext {
  const data = context.data as CliContext | undefined;
  if (!data) throw new TypeError("command run without the openclaw router: pass CliContext as `data`");
  return data;
}

/** A command-level failure: printed as one line to stderr, exit code 1 unless given. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
  }
}
