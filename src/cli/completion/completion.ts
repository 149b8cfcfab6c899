import { defineCommand } from "citty";
import { cliContext, CliError } from "../context.ts";

/** `openclaw completion [--shell bash|zsh|fish|powershell]`: prints the shell's completion script. */
export default defineCommand({
  meta: { name: "completion", description: "Print the shell completion script (bash, zsh, fish, powershell)" },
  args: {
    shell: { type: "string", alias: "s", description: "zsh, bash, powershell or fish (default: from $SHELL, else zsh; PowerShell on Windows)", valueHint: "shell" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const { SHELLS, completionScript } = await import("./_scripts.ts");
    const wanted = typeof context.args.shell === "string" && context.args.shell !== "" ? context.args.shell : detectShell(ctx.env);
    if (!(SHELLS as readonly string[]).includes(wanted)) {
      throw new CliError(`Expected --shell to be one of ${SHELLS.join(", ")}, got ${JSON.stringify(wanted)}`);
    }
    if (!ctx.commands) throw new CliError("completion needs the command tree (run through the openclaw router)");
    const { completionMap } = await import("./_tree.ts");
    ctx.out(completionScript(wanted as (typeof SHELLS)[number], await completionMap(ctx.commands)).trimEnd());
    return 0;
  },
});

function detectShell(env: Record<string, string | undefined>): string {
  const name = (env.SHELL ?? "").split(/[\\/]/).pop() ?? "";
  if (["bash", "zsh", "fish"].includes(name)) return name;
  if (/^pwsh|^powershell/i.test(name)) return "powershell";
  return process.platform === "win32" ? "powershell" : "zsh";
}
