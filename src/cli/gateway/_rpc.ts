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
  let target: GatewayTarget | undefined;
  try {
    target = targetFromArgs(ctx, args);
    // Loaded on use: commands that only borrow the flags from here (status, probe) do not pay for the client.
    const { callTarget } = await import("../../client/session.ts");
    const { payload } = await callTarget<T>(target, method, { params, deadline, expectFinal: options.expectFinal });
    return { ok: true, payload };
  } catch (error) {
    const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("./_failure.ts");
    const json = options.json ?? Boolean(args.json);
    return { ok: false, code: reportFailure(ctx, error, { json, target, label: options.label, credentialsMessage: CREDENTIALS_REQUIRED_RPC }) };
  }
}

/** A flag's string value, or undefined when absent or empty. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
