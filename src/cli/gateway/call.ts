import { defineCommand } from "citty";
import { CliError, cliContext } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "./_rpc.ts";

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
    const method = String(args.method);
    const params = parseParams(args.params);
    const result = await callRpc(ctx, args, method, params, { defaultTimeoutMs: 10_000, label: "Gateway call failed", expectFinal: Boolean(args["expect-final"]) });
    if (!result.ok) return result.code;
    if (!args.json) {
      const { painter } = await import("./_style.ts");
      const paint = painter(ctx.color);
      ctx.out(`${paint("heading", "Gateway call")}: ${paint("muted", method)}`);
    }
    ctx.out(JSON.stringify(result.payload ?? null, null, 2));
    return 0;
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
