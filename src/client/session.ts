// One call on one connection: the shape of most commands (connect, one request, close). Picks the
// connect identity the reference CLI would use: with no secret at all it connects as a probe without
// `auth` (spec §2.2, last rows), so the gateway's answer tells "reachable, but no credentials".
import { GatewayClient } from "./client.ts";
import type { Deadline } from "./deadline.ts";
import { CLI_IDENTITY, PROBE_IDENTITY, scopesFor, type ClientIdentity, type ConnectAuth } from "./identity.ts";
import type { GatewayTarget } from "./target.ts";
import { isLoopbackHost } from "./url-policy.ts";
import { loadDeviceToken, loadOrCreateIdentity, saveDeviceToken, signConnect } from "./device-identity.ts";
import { GatewayClientError } from "./errors.ts";
import { OPERATOR_SCOPES } from "../protocol/constants.ts";

/** Signs connect with the identity under this state dir (created on first use). */
function deviceSigner(stateDir: string) {
  const identity = loadOrCreateIdentity(stateDir);
  return (params: Record<string, unknown>, challenge: { nonce: string; ts: number }) => ({ ...signConnect(identity, params, challenge) });
}

/** The identity and scopes for calling `method`. */
export interface CallPlan {
  identity: ClientIdentity;
  scopes: string[];
}

/** `preferred` when a secret is known; otherwise the probe identity with `operator.read`, no auth. */
export function planCall(auth: ConnectAuth | undefined, method: string, preferred: ClientIdentity): CallPlan {
  if (!auth || preferred.mode === "probe") return { identity: PROBE_IDENTITY, scopes: ["operator.read"] };
  return { identity: preferred, scopes: scopesFor(method) };
}

export interface CallOnceOptions {
  url: string;
  auth?: ConnectAuth;
  tlsFingerprint?: string;
  plan: CallPlan;
  method: string;
  /** undefined: no `params` key on the wire. */
  params?: unknown;
  deadline: Deadline;
  expectFinal?: boolean;
  onAccepted?(payload: unknown): void;
  /** The state dir whose device identity signs connect to a non-loopback gateway (the reference CLI's rule). */
  identityDir?: string;
  /** GatewayTarget.deviceFallback: the local secret came from a SecretRef that may have been rotated on disk. */
  deviceFallback?: boolean;
}

/** A connect refused for a wrong shared secret (a token the gateway says a device token may replace, or a password). */
function canRetryWithDeviceToken(error: unknown): boolean {
  if (!(error instanceof GatewayClientError) || error.kind !== "connect") return false;
  const details = error.details as { code?: string; canRetryWithDeviceToken?: boolean } | undefined;
  return (details?.code === "AUTH_TOKEN_MISMATCH" && details.canRetryWithDeviceToken === true) || details?.code === "AUTH_PASSWORD_MISMATCH";
}

/** Connects, calls one method, closes; resolves with the payload and the connected client's facts. */
export async function callOnce<T = unknown>(options: CallOnceOptions): Promise<{ payload: T; client: GatewayClient }> {
  const loopback = isLoopbackHost(new URL(options.url).hostname);
  // A rotatable local secret pairs this device on loopback too, with every operator scope the secret already
  // grants, so the device token can stand in for the secret while the gateway still holds the previous one.
  const fallback = Boolean(options.deviceFallback && options.identityDir && loopback && options.auth);
  const signDevice = options.identityDir && (!loopback || fallback) ? deviceSigner(options.identityDir) : undefined;
  const scopes = fallback ? [...OPERATOR_SCOPES] : options.plan.scopes;
  const connect = (auth: ConnectAuth | undefined) =>
    GatewayClient.connect({ url: options.url, identity: options.plan.identity, scopes, auth, tlsFingerprint: options.tlsFingerprint, deadline: options.deadline, signDevice });
  let client: GatewayClient;
  try {
    client = await connect(options.auth);
  } catch (error) {
    const stored = fallback && canRetryWithDeviceToken(error) ? loadDeviceToken(options.identityDir!, options.url, "operator") : undefined;
    if (!stored) throw error;
    client = await connect({ deviceToken: stored });
  }
  if (options.identityDir && client.hello.auth?.deviceToken) {
    saveDeviceToken(options.identityDir, options.url, client.hello.auth.role ?? "operator", client.hello.auth.deviceToken, client.hello.auth.scopes ?? []);
  }
  try {
    const payload = await client.request<T>(options.method, options.params, {
      deadline: options.deadline,
      expectFinal: options.expectFinal,
      onAccepted: options.onAccepted,
    });
    return { payload, client };
  } finally {
    void client.close();
  }
}

/** The common case: one method on a resolved target as the CLI (`cli/cli`), least-privilege scopes. */
export function callTarget<T = unknown>(
  target: GatewayTarget,
  method: string,
  options: Pick<CallOnceOptions, "params" | "deadline" | "expectFinal" | "onAccepted">,
): Promise<{ payload: T; client: GatewayClient }> {
  // A local SecretRef this CLI cannot resolve (being rotated, or broken): the device token may still serve.
  const stored = !target.auth && target.deviceFallback ? loadDeviceToken(target.paths.stateDir, target.url, "operator") : undefined;
  const auth = target.auth ?? (stored ? { deviceToken: stored } : undefined);
  return callOnce<T>({
    url: target.url,
    auth,
    tlsFingerprint: target.tlsFingerprint,
    plan: planCall(auth, method, CLI_IDENTITY),
    method,
    identityDir: target.paths.stateDir,
    deviceFallback: target.deviceFallback,
    ...options,
  });
}
