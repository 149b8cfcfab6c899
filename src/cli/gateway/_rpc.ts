// Flags and target resolution shared by every command that talks to a running gateway. Kept free of
// output formatting: commands import the renderers only after the socket has answered.
import type { ArgsDef } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { resolveTarget, type GatewayTarget, type TargetRequest } from "../../client/target.ts";
import { CliError, type CliContext } from "../context.ts";

export { timeoutArg } from "../_deadline.ts";

/** `--url --port --token --password`: where to connect and with which secret. */
export const targetArgs = {
  url: { type: "string", description: "Gateway WebSocket URL (requires --token or --password)", valueHint: "url" },
  port: { type: "string", description: "Target the local gateway on ws://127.0.0.1:<port>", valueHint: "port" },
  token: { type: "string", description: "Gateway token", valueHint: "token" },
  password: { type: "string", description: "Gateway password", valueHint: "password" },
} as const satisfies ArgsDef;

export const jsonArg = { json: { type: "boolean", description: "Machine-readable JSON output" } } as const satisfies ArgsDef;

/** Parses `--timeout`; a bad value is a usage error naming the value. */
export function parseTimeoutMs(value: unknown, fallback: number, flag = "--timeout"): number {
  if (value === undefined || value === "") return fallback;
  const ms = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new CliError(`Expected ${flag} to be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  }
  return ms;
}

/** Parses a count flag (`--limit`); a bad value is a usage error naming the value. */
export function parsePositiveInt(value: unknown, fallback: number, flag: string): number {
  if (value === undefined || value === "") return fallback;
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`Expected ${flag} to be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

type TargetFlags = { url?: unknown; port?: unknown; token?: unknown; password?: unknown };

/** Resolves the gateway target from flags, env and the active profile's config. */
export function targetFromArgs(
  ctx: CliContext,
  args: TargetFlags,
  options: Pick<TargetRequest, "tolerateInvalidConfig" | "allowUrlWithoutCredentials"> = {},
): GatewayTarget {
  return resolveTarget({
    url: str(args.url),
    port: str(args.port),
    token: str(args.token),
    password: str(args.password),
    profile: ctx.profile,
    env: ctx.env,
    ...options,
  });
}

/** What callRpc gives back: the payload, or the exit code once the failure has been printed. */
export type RpcResult<T> = { ok: true; payload: T } | { ok: false; code: number };

/**
 * Calls one gateway method under one `--timeout` deadline; a failure is printed the way every RPC command prints
 * it (exit 1), so each command only renders its payload. A usage error (CliError) still throws.
 */
export async function callRpc<T>(
  ctx: CliContext,
  args: Record<string, unknown>,
  method: string,
  params: unknown,
  options: { defaultTimeoutMs: number; label: string; expectFinal?: boolean; json?: boolean },
): Promise<RpcResult<T>> {
  const deadline = Deadline.after(parseTimeoutMs(args.timeout, options.defaultTimeoutMs));
  let payload: T | undefined;
  const code = await onTarget(ctx, args, { json: options.json ?? Boolean(args.json), label: options.label }, async (target) => {
    // Loaded on use: commands that only borrow the flags from here (status, probe) do not pay for the client.
    const { callTarget } = await import("../../client/session.ts");
    ({ payload } = await callTarget<T>(target, method, { params, deadline, expectFinal: options.expectFinal }));
    return 0;
  });
  return code === 0 ? { ok: true, payload: payload as T } : { ok: false, code };
}

/**
 * Runs `body` on the target the flags name and returns its exit code; a client failure (config, connect, request,
 * timeout) is printed the way every RPC command prints it and gives 1. A usage error (CliError) still throws.
 */
export async function onTarget(ctx: CliContext, flags: TargetFlags, report: { json: boolean; label: string }, body: (target: GatewayTarget) => Promise<number>): Promise<number> {
  let target: GatewayTarget | undefined;
  try {
    target = targetFromArgs(ctx, flags);
    return await body(target);
  } catch (error) {
    const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("./_failure.ts");
    return reportFailure(ctx, error, { ...report, target, credentialsMessage: CREDENTIALS_REQUIRED_RPC });
  }
}

/** A flag's string value, or undefined when absent or empty. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
