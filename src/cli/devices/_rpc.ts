// The one shape of every `devices` / `nodes` command: resolve the target, call one method with its
// least-privilege scope, print the payload with --json (as the reference CLI does) or a short text.
import { defineCommand, type ArgsDef } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { callOnce, callTarget, planCall } from "../../client/session.ts";
import { CLI_IDENTITY } from "../../client/identity.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { cliContext, CliError, type CliContext } from "../context.ts";
import { jsonArg, onTarget, parseTimeoutMs, targetArgs, timeoutArg } from "../gateway/_rpc.ts";

/** What a command asks: the method, its params from the flags, and the text lines for a payload. */
export interface RpcCommand<A extends ArgsDef> {
  name: string;
  description: string;
  args: A;
  method: string;
  params(args: Record<string, unknown>, ctx: CliContext): unknown;
  text(payload: any, args: Record<string, unknown>): string[];
  /** Extra transport time over --timeout (node invokes wait for the node). */
  timeoutMs?(args: Record<string, unknown>): number;
  /** The scopes to ask for when they depend on the gateway's state (approve asks for what it grants). */
  scopes?(params: any, list: () => Promise<any>): Promise<string[] | undefined>;
}

/** Calls one method on its own connection with these scopes (least privilege for the method when undefined). */
export async function callWithScopes<T = any>(target: GatewayTarget, method: string, params: unknown, deadline: Deadline, scopes?: string[]): Promise<T> {
  if (!scopes) return (await callTarget<T>(target, method, { params, deadline })).payload;
  const plan = planCall(target.auth, method, CLI_IDENTITY);
  if (target.auth) plan.scopes = scopes;
  const { payload } = await callOnce<T>({ url: target.url, auth: target.auth, tlsFingerprint: target.tlsFingerprint, plan, method, params, deadline, identityDir: target.paths.stateDir });
  return payload;
}

/** The reference CLI's approval scopes: pairing plus the operator scopes being granted; admin for anything else. */
export function pairingCallScopes(scopes: readonly string[]): string[] | undefined {
  if (scopes.length === 0) return undefined;
  const out = new Set(["operator.pairing"]);
  for (const scope of scopes) {
    if (scope === "operator.admin" || !scope.startsWith("operator.")) return ["operator.admin"];
    out.add(scope);
  }
  return [...out];
}

/** Token management (rotate, revoke) asks for the token's scopes plus pairing; other roles need admin (the reference CLI's rule). */
export async function tokenCallScopes(params: { deviceId: string; role: string; scopes?: string[] }, list: () => Promise<any>): Promise<string[] | undefined> {
  if (params.role !== "operator") return ["operator.admin"];
  const device = (await list()).paired.find((d: any) => d.deviceId === params.deviceId);
  if (!device) return ["operator.admin"];
  return pairingCallScopes(params.scopes ?? device.tokens?.find((t: any) => t.role === "operator")?.scopes ?? device.scopes ?? []);
}

/** A citty command for one RPC with the common flags (--url --token --password --timeout --json). */
export function rpcCommand<A extends ArgsDef>(spec: RpcCommand<A>) {
  return defineCommand({
    meta: { name: spec.name, description: spec.description },
    args: { ...spec.args, ...targetArgs, ...timeoutArg(10_000), ...jsonArg },
    async run(context) {
      const ctx = cliContext(context);
      const args = context.args as Record<string, unknown>;
      const json = Boolean(args.json);
      const timeout = spec.timeoutMs?.(args) ?? parseTimeoutMs(args.timeout, 10_000);
      const params = spec.params(args, ctx);
      return onTarget(ctx, args, { json, label: `${spec.method} failed` }, async (target) => {
        const deadline = Deadline.after(timeout);
        const scopes = await spec.scopes?.(params, () => callWithScopes(target, "device.pair.list", {}, deadline));
        const payload = await callWithScopes(target, spec.method, params, deadline, scopes);
        if (json) ctx.out(JSON.stringify(payload, null, 2));
        else for (const line of spec.text(payload, args)) ctx.out(line);
        return 0;
      });
    },
  });
}

/** A required string flag or positional; a usage error names it. */
export function required(args: Record<string, unknown>, key: string, flag: string): string {
  const value = args[key];
  if (typeof value !== "string" || value.trim() === "") throw new CliError(`${flag} is required`);
  return value.trim();
}
