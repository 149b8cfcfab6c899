import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import type { CliContext } from "../context.ts";
import { parseTimeoutMs, targetFromArgs } from "../gateway/_rpc.ts";

/** One agents RPC for a CLI command: prints JSON or the human line, and reports failures the CLI's way. */
export async function agentsCall(
  ctx: CliContext,
  args: Record<string, unknown>,
  method: string,
  params: Record<string, unknown>,
  human: (payload: any) => string,
): Promise<number> {
  const json = Boolean(args.json);
  let target: GatewayTarget | undefined;
  try {
    target = targetFromArgs(ctx, args as never);
    const { payload } = await callTarget<any>(target, method, { params, deadline: Deadline.after(parseTimeoutMs(args.timeout as string | undefined, 10_000)) });
    ctx.out(json ? JSON.stringify(payload, null, 2) : human(payload));
    return 0;
  } catch (error) {
    const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("../gateway/_failure.ts");
    return reportFailure(ctx, error, { json, target, label: `${method} failed`, credentialsMessage: CREDENTIALS_REQUIRED_RPC });
  }
}
