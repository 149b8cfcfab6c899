// The words a shell may offer after each command path, read from the command tree (every leaf's flags are
// loaded once here; completion scripts are generated, not run on each keypress).
import type { ArgsDef } from "citty";
import type { CommandTreeNode as CommandNode } from "../context.ts";

/** Path (`""`, `"gateway"`, `"gateway run"`) → subcommand names and flags offered there. */
export type CompletionMap = Map<string, string[]>;

const GLOBAL = ["--dev", "--profile", "--no-color", "--help"];

/** Walks the whole tree; a leaf offers its flags (with `--no-x` for booleans that default true) and the globals. */
export async function completionMap(root: Readonly<Record<string, CommandNode>>): Promise<CompletionMap> {
  const map: CompletionMap = new Map();
  const walk = async (path: string, node: CommandNode): Promise<void> => {
    if (node.sub) {
      map.set(path, [...Object.keys(node.sub), ...GLOBAL]);
      for (const [name, child] of Object.entries(node.sub)) await walk(path ? `${path} ${name}` : name, child);
      return;
    }
    const def = await node.load!();
    const args = ((typeof def.args === "function" ? await def.args() : await def.args) ?? {}) as ArgsDef;
    const flags: string[] = [];
    for (const [name, arg] of Object.entries(args)) {
      if (arg.type === "positional") continue;
      flags.push(arg.type === "boolean" && arg.default === true ? `--no-${name}` : `--${name}`);
      const aliases = (arg as { alias?: string | string[] }).alias;
      for (const alias of [aliases ?? []].flat()) flags.push(alias.length === 1 ? `-${alias}` : `--${alias}`);
    }
    map.set(path, [...flags, ...GLOBAL]);
  };
  await walk("", { description: "", sub: { ...root } });
  return map;
}
