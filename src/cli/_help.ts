import type { ArgsDef, CommandDef } from "citty";
import type { CommandNode } from "./commands.ts";

// Help is plain text by design: it is read in terminals, pipes and CI logs alike, so no ANSI ever.
const GLOBAL_HELP: [string, string][] = [
  ["--dev", "Use the isolated dev profile (~/.openclaw-dev, port 19001)"],
  ["--profile <name>", "Use an isolated profile (~/.openclaw-<name>)"],
  ["--no-color", "Disable colours (also NO_COLOR=1)"],
  ["-h, --help", "Show help for any command"],
  ["--version", "Print version and commit"],
];

/** Help for a group of commands, written from the registry so no command module is loaded. */
export function renderGroupHelp(
  path: string,
  description: string,
  children: Record<string, CommandNode>,
  defaultChild?: string,
): string {
  const rows = Object.entries(children).map(([name, node]): [string, string] => [
    name,
    `${node.description}${name === defaultChild ? " (default)" : ""}`,
  ]);
  return [
    description,
    "",
    `Usage: ${path} <command> [options]`,
    "",
    "Commands:",
    ...columns(rows),
    "",
    "Global options:",
    ...columns(GLOBAL_HELP),
    "",
    `Run \`${path} <command> --help\` for a command's options.`,
    "Exit codes: 0 success, 1 failure.",
  ].join("\n");
}

/** Help for one command, from its citty args definition. */
export async function renderLeafHelp(def: CommandDef<any>, path: string): Promise<string> {
  const meta = typeof def.meta === "function" ? await def.meta() : await def.meta;
  const args: ArgsDef = (typeof def.args === "function" ? await def.args() : await def.args) ?? {};
  const positionals = Object.entries(args).filter(([, a]) => a.type === "positional");
  const options = Object.entries(args).filter(([, a]) => a.type !== "positional");
  const usage = [
    path,
    ...positionals.map(([name, a]) => (a.required === false || a.default !== undefined ? `[${name}]` : `<${name}>`)),
    options.length > 0 ? "[options]" : "",
  ].filter(Boolean);
  const optionRows = options.map(([name, a]): [string, string] => {
    const value = a.type === "string" ? ` <${(a as { valueHint?: string }).valueHint ?? "value"}>` : a.type === "enum" ? ` <${(a as { options?: string[] }).options?.join("|")}>` : "";
    const fallback = a.default !== undefined && a.default !== false ? ` (default ${String(a.default)})` : "";
    return [`--${name}${value}`, `${a.description ?? ""}${fallback}`];
  });
  return [
    meta?.description ?? "",
    "",
    `Usage: ${usage.join(" ")}`,
    ...(positionals.length > 0 ? ["", "Arguments:", ...columns(positionals.map(([n, a]) => [n, a.description ?? ""]))] : []),
    ...(optionRows.length > 0 ? ["", "Options:", ...columns(optionRows)] : []),
    "",
    "Global options: --dev, --profile <name>, --no-color, -h/--help",
    "Exit codes: 0 success, 1 failure.",
  ].join("\n");
}

function columns(rows: [string, string][]): string[] {
  const width = Math.min(Math.max(...rows.map(([left]) => left.length), 8) + 2, 44);
  return rows.map(([left, right]) => (left.length + 2 > width ? `  ${left}\n  ${" ".repeat(width)}${right}` : `  ${left.padEnd(width)}${right}`));
}
