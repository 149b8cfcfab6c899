import type { CliContext } from "../context.ts";
import { callRpc } from "../gateway/_rpc.ts";

/** One agents RPC for a CLI command: prints JSON or the human line, and reports failures the CLI's way. */
export async function agentsCall(
  ctx: CliContext,
  args: Record<string, unknown>,
  method: string,
  params: Record<string, unknown>,
  human: (payload: any) => string,
): Promise<number> {
  const result = await callRpc<any>(ctx, args, method, params, { defaultTimeoutMs: 10_000, label: `${method} failed` });
  if (!result.ok) return result.code;
  ctx.out(args.json ? JSON.stringify(result.payload, null, 2) : human(result.payload));
  return 0;
}
