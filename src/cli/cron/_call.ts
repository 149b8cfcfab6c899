// One RPC call for the `cron` and `system` commands: resolve the target, call, print JSON or a renderer's lines.
import type { CommandContext } from "citty";
import { cliContext, CliError, type CliContext } from "../context.ts";
import { callRpc } from "../gateway/_rpc.ts";

/** Calls `method` with `params` (built from the flags; a CliError there is a usage error) and prints the answer. */
export async function callAndPrint(
  context: CommandContext<any>,
  label: string,
  method: string,
  params: (ctx: CliContext) => Record<string, unknown>,
  render: (payload: any, ctx: CliContext) => string[],
  options: { alwaysJson?: boolean } = {},
): Promise<number> {
  const ctx = cliContext(context);
  const { args } = context;
  const json = Boolean(args.json) || options.alwaysJson === true;
  const result = await callRpc<any>(ctx, args, method, params(ctx), { defaultTimeoutMs: 30_000, label, json });
  if (!result.ok) return result.code;
  if (json) ctx.out(JSON.stringify(result.payload, null, 2));
  else for (const line of render(result.payload, ctx)) ctx.out(line);
  return 0;
}

/** `10m`, `1h30m`, `90s`, `500ms` → milliseconds; a bad value names the flag. */
export function durationMs(value: string, flag: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  let total = 0;
  let rest = value.trim().toLowerCase();
  if (!rest) throw new CliError(`${flag}: expected a duration like 10m, 1h or 1d`);
  while (rest) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/.exec(rest);
    if (!match) throw new CliError(`${flag}: expected a duration like 10m, 1h or 1d, got ${JSON.stringify(value)}`);
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return Math.round(total);
}

export function when(ms: number | undefined | null): string {
  return typeof ms === "number" ? new Date(ms).toISOString().replace(".000Z", "Z") : "-";
}
