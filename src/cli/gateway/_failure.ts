// How a failed gateway command reports itself, in one place: the reference's texts on stderr, or the
// reference's JSON error envelope on stdout with --json. Loaded only when something failed.
import { describeCredential, type GatewayTarget } from "../../client/target.ts";
import { GatewayClientError } from "../../client/errors.ts";
import type { CliContext } from "../context.ts";

export const CREDENTIALS_REQUIRED_HEALTH =
  "Gateway is reachable, but this CLI has no token/password or paired device token for read-scope health RPCs.";
export const CREDENTIALS_REQUIRED_RPC =
  "Gateway is reachable, but this CLI has no token/password or paired device token to authenticate gateway RPCs. Set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_PASSWORD.";

export interface FailureOptions {
  json: boolean;
  target?: GatewayTarget;
  /** Prefix of the first stderr line (`Gateway call failed`). */
  label?: string;
  /** Which "reachable, but no credentials" text fits the command. */
  credentialsMessage?: string;
}

/** Prints the failure and returns exit code 1; anything not from the client boundary is rethrown. */
export function reportFailure(ctx: CliContext, error: unknown, options: FailureOptions): number {
  if (!(error instanceof GatewayClientError)) throw error;
  if (isMissingCredentials(error, options.target)) {
    const message = options.credentialsMessage ?? CREDENTIALS_REQUIRED_HEALTH;
    if (options.json) {
      ctx.out(JSON.stringify({ ok: false, error: { type: "gateway_credentials_required", message }, gateway: { reachable: true } }, null, 2));
    } else {
      ctx.err("Gateway: reachable");
      ctx.err(message);
    }
    return 1;
  }
  if (options.json) {
    ctx.out(JSON.stringify({ ok: false, error: errorEnvelope(error) }, null, 2));
    return 1;
  }
  const lines = describe(error, options.target);
  if (options.label) lines[0] = `${options.label}: ${lines[0]}`;
  for (const line of lines) ctx.err(line);
  return 1;
}

/** The `error` object of the JSON envelope (spec §5: `gateway_request_error` with the protocol code). */
export function errorEnvelope(error: GatewayClientError): Record<string, unknown> {
  if (error.kind === "connect" || error.kind === "request") {
    const envelope: Record<string, unknown> = { type: "gateway_request_error", code: error.code ?? "UNAVAILABLE", message: error.message, retryable: error.retryable ?? false };
    if (error.details !== undefined) envelope.details = error.details;
    return envelope;
  }
  if (error.kind === "config") return { type: "cli_error", message: error.message };
  const codes: Record<string, string> = { timeout: "ETIMEDOUT", unreachable: "UNREACHABLE", closed: "CLOSED", tls: "TLS_FINGERPRINT_MISMATCH", protocol: "PROTOCOL_ERROR" };
  const envelope: Record<string, unknown> = { type: "gateway_transport_error", code: codes[error.kind], message: error.message };
  if (error.url) envelope.details = { url: error.url };
  return envelope;
}

/** A connect refused for lack of any secret: the gateway is there, this CLI just has nothing to show it. */
export function isMissingCredentials(error: GatewayClientError, target: GatewayTarget | undefined): boolean {
  if (error.kind !== "connect" || target?.auth) return false;
  return error.code === "NOT_PAIRED" || error.detailCode === "DEVICE_IDENTITY_REQUIRED" || /^AUTH_(TOKEN|PASSWORD)_MISSING$/.test(error.detailCode ?? "");
}

/** True for an authentication refusal (`unauthorized: …`, `details.code` AUTH_*). */
export function isAuthFailure(error: GatewayClientError): boolean {
  return error.kind === "connect" && (error.message.startsWith("unauthorized") || (error.detailCode ?? "").startsWith("AUTH_"));
}

function describe(error: GatewayClientError, target: GatewayTarget | undefined): string[] {
  switch (error.kind) {
    case "connect": {
      const lines = [`gateway connect failed: GatewayClientRequestError: ${error.message}`];
      if (isAuthFailure(error)) lines.push(`Credential: ${describeCredential(target?.credential)}`);
      if (target) lines.push(`Gateway target: ${target.url} (${target.urlSource})`);
      return lines;
    }
    case "request":
      return [error.message];
    case "config":
      return error.message.startsWith("SECURITY ERROR") ? error.message.split("\n") : `Error: ${error.message}`.split("\n");
    case "unreachable":
      return [error.message, "Is the gateway running? Start it with `openclaw gateway`, or check `openclaw gateway status`."];
    default:
      return [error.message];
  }
}
