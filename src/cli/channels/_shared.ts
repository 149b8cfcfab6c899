// Shared by the channel, message and pairing commands: one RPC call with the usual target flags and failure
// report, and the `--account` rule (a blank value is refused rather than meaning "default").
import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { CliError, type CliContext } from "../context.ts";
import { parseTimeoutMs, targetFromArgs } from "../gateway/_rpc.ts";

/** `--account`: undefined when omitted; a blank value is an error (an unset shell variable must not pick one). */
export function accountArg(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!text) throw new CliError("--account must not be blank");
  return text;
}

/** Calls one gateway method; failures are printed the way every RPC command prints them (exit 1). */
export async function rpc<T>(ctx: CliContext, args: Record<string, unknown>, method: string, params: Record<string, unknown>, defaultTimeoutMs: number, label: string): Promise<{ ok: true; payload: T } | { ok: false; code: number }> {
  let target: GatewayTarget | undefined;
  try {
    target = targetFromArgs(ctx, args as any);
    const { payload } = await callTarget<T>(target, method, { params, deadline: Deadline.after(parseTimeoutMs(args.timeout, defaultTimeoutMs)) });
    return { ok: true, payload };
  } catch (error) {
    const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("../gateway/_failure.ts");
    return { ok: false, code: reportFailure(ctx, error, { json: Boolean(args.json), target, label, credentialsMessage: CREDENTIALS_REQUIRED_RPC }) };
  }
}

/** Age of a timestamp for humans. */
export function ago(ms: number | null | undefined): string {
  if (!ms) return "never";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}
