// Calls for the `nodes` commands: each method on its own least-privilege connection, one deadline for all.
import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import { cliContext, type CliContext } from "../context.ts";
import { jsonArg, onTarget, parseTimeoutMs, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import type { CommandContext } from "citty";

export const nodeArgs = { ...targetArgs, ...timeoutArg(30_000), ...jsonArg };

export type Call = <T = any>(method: string, params: unknown) => Promise<T>;

/** Runs `body` with a call function on the resolved target; failures are reported like every gateway command. */
export async function runNodes(context: CommandContext<any>, label: string, body: (call: Call, args: Record<string, unknown>, ctx: CliContext, json: boolean) => Promise<string[] | unknown>, extraMs = 0): Promise<number> {
  const ctx = cliContext(context);
  const args = context.args as Record<string, unknown>;
  const json = Boolean(args.json);
  const deadline = Deadline.after(parseTimeoutMs(args.timeout, 30_000) + extraMs);
  return onTarget(ctx, args, { json, label: `nodes ${label} failed` }, async (target) => {
    const call: Call = async (method, params) => (await callTarget(target, method, { params, deadline })).payload as any;
    const result = await body(call, args, ctx, json);
    if (Array.isArray(result) && !json) for (const line of result) ctx.out(String(line));
    else ctx.out(JSON.stringify(result, null, 2));
    return 0;
  });
}
