import type { ArgsDef } from "citty";
import { CliError } from "./context.ts";

/** Global flags, accepted anywhere on the line (citty drops flags given before a subcommand). */
export interface GlobalFlags {
  dev: boolean;
  profile: string | undefined;
  noColor: boolean;
  help: boolean;
  /** `--version`/`-V` anywhere: print the version and run nothing else. */
  version: boolean;
  rest: string[];
}

/** Removes the global flags from argv wherever they stand, up to a `--` terminator. */
export function extractGlobalFlags(argv: string[]): GlobalFlags {
  const flags: GlobalFlags = { dev: false, profile: undefined, noColor: false, help: false, version: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      flags.rest.push(...argv.slice(i));
      break;
    }
    if (token === "--dev") flags.dev = true;
    else if (token === "--no-color") flags.noColor = true;
    else if (token === "--help" || token === "-h") flags.help = true;
    else if (token === "--version" || token === "-V") flags.version = true;
    else if (token === "--profile") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("-")) throw new CliError("--profile needs a name, e.g. --profile work");
      flags.profile = value;
      i++;
    } else if (token.startsWith("--profile=")) flags.profile = token.slice("--profile=".length);
    else flags.rest.push(token);
  }
  if (flags.dev && flags.profile !== undefined && flags.profile !== "dev") {
    throw new CliError(`--dev and --profile ${flags.profile} select different profiles; use one`);
  }
  return flags;
}

/** Flags every command accepts in addition to its own (shown in root help). */
export const GLOBAL_FLAG_NAMES = ["dev", "profile", "no-color", "help", "version"];

/**
 * Rejects what citty would silently accept: unknown flags, missing flag values and surplus
 * positionals (engineering.md §2: citty parses with `strict:false`).
 */
export function assertKnownArgs(rawArgs: string[], def: ArgsDef, commandPath: string): void {
  const kinds = new Map<string, "boolean" | "value">();
  let positionals = 0;
  let variadic = false;
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") {
      positionals++;
      if ((arg as { variadic?: boolean }).variadic) variadic = true;
      continue;
    }
    const kind = arg.type === "boolean" ? "boolean" : "value";
    const alias = (arg as { alias?: string | string[] }).alias;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    for (const spelling of [name, toKebab(name), toCamel(name), ...aliases]) kinds.set(spelling, kind);
  }
  const known = [...kinds.keys()].filter((k) => k.length > 1);
  let seenPositionals = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i]!;
    if (token === "--") break;
    if (token.startsWith("-") && token !== "-" && !/^-\d/.test(token)) {
      const body = token.replace(/^--?/, "");
      const eq = body.indexOf("=");
      const name = eq === -1 ? body : body.slice(0, eq);
      const negated = name.startsWith("no-") && kinds.get(name.slice(3)) === "boolean";
      const kind = negated ? "boolean" : kinds.get(name);
      if (kind === undefined) {
        const guess = closest(name, known);
        throw new CliError(
          `Unknown option ${token.split("=")[0]} for \`${commandPath}\``,
          1,
          `${guess ? `Did you mean --${guess}? ` : ""}See \`${commandPath} --help\`.`,
        );
      }
      if (kind === "value" && eq === -1) {
        const value = rawArgs[i + 1];
        if (value === undefined || (value.startsWith("--") && value.length > 2)) {
          throw new CliError(`Option --${name} needs a value`, 1, `See \`${commandPath} --help\`.`);
        }
        i++;
      }
      continue;
    }
    seenPositionals++;
    if (seenPositionals > positionals && !variadic) {
      throw new CliError(`Unexpected argument ${JSON.stringify(token)} for \`${commandPath}\``, 1, `See \`${commandPath} --help\`.`);
    }
  }
}

function toKebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function toCamel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The known name within edit distance 2 of a typo, for "Did you mean". */
export function closest(input: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
