import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { CliError, cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./_rpc.ts";

// `openclaw gateway call <method>`: one `cli/cli` connection asking for the method's least-privilege
// scope (all seven operator scopes for a method the table does not know), params default `{}` (spec §5).
export default defineCommand({
  meta: { name: "call", description: "Call a gateway RPC method and print its payload (exit 0 ok, 1 failure)" },
  args: {
    method: { type: "positional", description: "Method name, e.g. health, status, system-presence, logs.tail", required: true },
    params: { type: "string", description: "JSON params (default {})", valueHint: "json" },
    "expect-final": { type: "boolean", description: "Wait for the final response of a two-phase (agent) call" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 10_000));
    const json = Boolean(args.json);
    const method = String(args.method);
    const params = parseParams(args.params);
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, args);
      const { payload } = await callTarget(target, method, {
        params,
        deadline,
        expectFinal: Boolean(args["expect-final"]),
      });
      if (json) {
        ctx.out(JSON.stringify(payload ?? null, null, 2));
        return 0;
      }
      const { painter } = await import("./_style.ts");
      const paint = painter(ctx.color);
      ctx.out(`${paint("heading", "Gateway call")}: ${paint("muted", method)}`);
      ctx.out(JSON.stringify(payload ?? null, null, 2));
      return 0;
    } catch (error) {
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("./_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Gateway call failed", credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    }
  },
});

function parseParams(value: unknown): unknown {
  if (value === undefined || value === "") return {};
  try {
    return JSON.parse(String(value));
  } catch (error) {
    throw new CliError(`Gateway call failed: --params is not valid JSON (${(error as Error).message})`);
  }
}
