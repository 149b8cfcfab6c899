// The device decision of a `connect` carrying a device proof, in the reference's order: proof → credentials
// (shared secret, else the device token) → pairing (silent on the local path, else a pending request) → token.
import type { ErrorShape } from "../protocol/errors.ts";
import type { Admission, DeviceHandshake } from "../surface/types.ts";
import { verifyDeviceProof } from "./proof.ts";
import { missingScope } from "./scopes.ts";
import { BOOTSTRAP_PROFILES, type BootstrapTokens, type ProfileName } from "./bootstrap.ts";
import { publicNodeRequest } from "./node-surface.ts";
import type { PairedDevice, PairingStore } from "./store.ts";

/** What admission needs besides the handshake: the store, config switches and the pairing events. */
export interface AdmitDeps {
  store: PairingStore;
  now(): number;
  /** `gateway.nodes.pairing.autoApproveLocal` (false turns off silent local pairing). */
  autoApproveLocal(): boolean | undefined;
  /** Sends a pairing event to clients holding operator.pairing. */
  emit(event: string, payload: unknown): void;
  log: { info(message: string): void; warn(message: string): void };
  /** Setup-code bootstrap tokens (`auth.bootstrapToken`). */
  bootstrap?: BootstrapTokens;
  /** The declared commands a node may file for approval (the gateway's command policy, handed in by the composition). */
  nodeCommands?(params: DeviceHandshake["params"], declared: string[]): string[];
}

type PairingReason = "not-paired" | "role-upgrade" | "scope-upgrade";

const REQUIREMENT: Record<PairingReason, { requirement: string; hint: string }> = {
  "not-paired": { requirement: "device is not approved yet", hint: "Approve this device from the pending pairing requests." },
  "role-upgrade": { requirement: "device is asking for a higher role than currently approved", hint: "Review the requested role upgrade, then approve the pending request." },
  "scope-upgrade": { requirement: "device is asking for more scopes than currently approved", hint: "Review the requested scopes, then approve the pending upgrade." },
};

const UI_IDS = new Set(["openclaw-control-ui", "webchat-ui"]);

/** Decides one device connect; never throws for bad input (every refusal is the reference's frame). */
export async function admitDevice(h: DeviceHandshake, deps: AdmitDeps): Promise<Admission> {
  const proof = verifyDeviceProof(h.params, h.role, h.nonce, deps.now());
  // A wrong shared secret still earns its back-off when the proof fails first (the reference settles it too).
  if (!proof.ok) return { ok: false, error: proof.error, delayMs: h.shared.ok ? 0 : h.shared.delayMs };
  const { deviceId, publicKey } = proof.device;
  const scopes = (h.params.scopes ?? []).map((s) => s.trim()).filter(Boolean);

  const credential = authenticate(h, deviceId, scopes, deps);
  if (!credential.ok) return credential;
  const { authMethod, presentedDeviceToken } = credential;

  const { client } = h.params;
  const isUi = UI_IDS.has(client.id) || client.mode === "webchat";
  const backendSelf = client.id === "gateway-client" && client.mode === "backend" && h.local && !h.origin;
  let paired = deps.store.getPaired(deviceId);
  const isPaired = paired?.publicKey === publicKey;
  if (backendSelf && !isPaired) return { ok: true, authMethod, scopes, deviceId };
  // A setup code pairs a node that has none yet: roles and operator scopes from its profile, first surface approved.
  const setup = credential.bootstrap && !isPaired && h.role === "node" && scopes.length === 0 ? BOOTSTRAP_PROFILES[credential.bootstrap.profile] : undefined;
  if (!isPaired || !allows(paired!, h.role, scopes)) {
    const reason: PairingReason = !isPaired ? "not-paired" : !(paired!.roles ?? []).includes(h.role) ? "role-upgrade" : "scope-upgrade";
    const silent = setup !== undefined || silentAllowed(h, reason, authMethod, isPaired ? paired : undefined, isUi, deps.autoApproveLocal());
    const { request, created, superseded } = deps.store.request({
      deviceId,
      publicKey,
      displayName: client.displayName,
      platform: client.platform,
      deviceFamily: client.deviceFamily,
      clientId: client.id,
      clientMode: client.mode,
      role: h.role,
      roles: setup ? [...new Set([h.role, ...setup.roles])] : [h.role],
      scopes: setup ? setup.scopes : scopes,
      remoteIp: h.local ? undefined : h.remoteAddress,
      silent,
    });
    for (const old of superseded) deps.emit("device.pair.resolved", { requestId: old.requestId, deviceId, decision: "rejected", ts: deps.now() });
    if (silent) {
      paired = deps.store.approve(request.requestId, setup ? "bootstrap" : "silent", { reason: "connect", remoteIp: h.local ? undefined : h.remoteAddress });
      deps.log.info(`device pairing ${setup ? "approved by setup code" : "auto-approved"} device=${deviceId} role=${h.role}`);
      deps.emit("device.pair.resolved", { requestId: request.requestId, deviceId, decision: "approved", ts: deps.now() });
    } else if (created) {
      deps.emit("device.pair.requested", request);
    }
    if (!paired || paired.publicKey !== publicKey || !allows(paired, h.role, scopes)) {
      return pairingRequired(reason, request.requestId, deviceId, h, scopes, isPaired ? paired : undefined, isUi);
    }
  } else {
    deps.store.touch(deviceId, { displayName: client.displayName, remoteIp: h.local ? undefined : h.remoteAddress, lastSeenAtMs: deps.now(), lastSeenReason: "connect" });
  }
  if (h.role === "node") reconcileNodeSurface(h, deviceId, deps, setup !== undefined);
  const issued = deps.store.issueToken(deviceId, h.role, scopes, presentedDeviceToken);
  const helloAuth: Record<string, unknown> | undefined = issued ? { deviceToken: issued.token, issuedAtMs: issued.rotatedAtMs ?? issued.createdAtMs } : undefined;
  if (credential.bootstrap) {
    // Single use: spent once it admitted a device; the profile's other roles get their tokens in this hello.
    const completion = deps.bootstrap?.consume(credential.bootstrap.token, { deviceId, deviceName: client.displayName });
    if (completion) deps.emit("device.pair.setup.completed", completion);
    const extra = (setup?.roles ?? []).filter((role) => role !== h.role).map((role) => deps.store.issueToken(deviceId, role, role === "operator" ? setup!.scopes : []));
    const deviceTokens = extra.filter((t) => t !== undefined).map((t) => ({ deviceToken: t.token, role: t.role, scopes: t.scopes, issuedAtMs: t.rotatedAtMs ?? t.createdAtMs }));
    if (helloAuth && deviceTokens.length > 0) helloAuth.deviceTokens = deviceTokens;
  }
  return { ok: true, authMethod, scopes, deviceId, ...(helloAuth ? { helloAuth } : {}) };
}

/**
 * A paired node's declared surface (caps, commands, permissions), in the reference's reconcile: commands outside
 * the gateway's policy are withheld; a declaration within the approved surface (equal or narrower) changes nothing;
 * a wider one is approved silently on the local path, else filed for `node.pair.approve` (the connection is
 * admitted either way; only approved commands are invocable).
 */
function reconcileNodeSurface(h: DeviceHandshake, deviceId: string, deps: AdmitDeps, setupCode = false): void {
  const { client } = h.params;
  const strings = (v: unknown) => (Array.isArray(v) ? [...new Set(v.filter((x): x is string => typeof x === "string" && x.trim() !== "").map((x) => x.trim()))] : []);
  const commands = strings(h.params.commands);
  const admitted = deps.nodeCommands ? deps.nodeCommands(h.params, commands) : commands;
  const withheld = commands.filter((c) => !admitted.includes(c));
  if (withheld.length > 0) deps.log.warn(`node command surface withheld node=${deviceId} commands=${withheld.join(",")}`);
  const declared = { caps: strings(h.params.caps), commands: admitted, permissions: h.params.permissions };
  const meta = { version: client.version, displayName: client.displayName, modelIdentifier: client.modelIdentifier };
  const device = deps.store.getPaired(deviceId);
  const approved = device?.nodeSurface;
  if (approved && !widens(approved, declared)) {
    if (approved.version !== meta.version || approved.displayName !== meta.displayName || approved.modelIdentifier !== meta.modelIdentifier) {
      deps.store.touch(deviceId, { nodeSurface: { ...approved, ...meta } });
    }
    return;
  }
  // A setup code approves the first surface (an admin minted it); the local path approves silently.
  if ((setupCode && !approved) || (h.local && !h.origin && deps.autoApproveLocal() !== false)) {
    deps.store.approveNodeSurface(deviceId, { ...declared, ...meta });
    return;
  }
  const filed = deps.store.requestNodeSurface(deviceId, {
    clientId: client.id,
    clientMode: client.mode,
    platform: client.platform,
    deviceFamily: client.deviceFamily,
    remoteIp: h.local ? undefined : h.remoteAddress,
    ...declared,
    ...meta,
  });
  if (filed?.created) deps.emit("node.pair.requested", publicNodeRequest(deviceId, filed.request));
}

/** True when a declaration asks for a command, capability or granted permission the approved surface lacks. */
function widens(approved: { caps?: string[]; commands?: string[]; permissions?: Record<string, boolean> }, declared: { caps: string[]; commands: string[]; permissions?: Record<string, boolean> }): boolean {
  if (declared.commands.some((c) => !(approved.commands ?? []).includes(c))) return true;
  if (declared.caps.some((c) => !(approved.caps ?? []).includes(c))) return true;
  return Object.entries(declared.permissions ?? {}).some(([key, granted]) => granted === true && approved.permissions?.[key] !== true);
}

type Credential = { ok: true; authMethod: string; presentedDeviceToken?: string; bootstrap?: { token: string; profile: ProfileName } } | { ok: false; error: ErrorShape; delayMs?: number };

const SETUP_CODE_REJECTED = "unauthorized: setup code invalid, expired, revoked, or already used (create a new code; review `openclaw devices list`)";

/** The shared secret when it holds; otherwise the device token (explicit, or the token field as a fallback). */
function authenticate(h: DeviceHandshake, deviceId: string, scopes: string[], deps: AdmitDeps): Credential {
  if (h.shared.ok) return { ok: true, authMethod: h.shared.method };
  const failure = h.shared.error;
  const sharedCode = (failure.details as { code?: string } | undefined)?.code;
  if (sharedCode === "AUTH_RATE_LIMITED") return { ok: false, error: failure };
  const auth = h.params.auth;
  const bootstrap = auth?.bootstrapToken?.trim();
  if (bootstrap && deps.bootstrap && !auth?.token && !auth?.deviceToken && !auth?.password) {
    const found = deps.bootstrap.check(bootstrap);
    if (found) return { ok: true, authMethod: "bootstrap-token", bootstrap: { token: bootstrap, profile: found.profile } };
    const details = { code: "AUTH_BOOTSTRAP_TOKEN_INVALID", authReason: "bootstrap_token_invalid", canRetryWithDeviceToken: false, recommendedNextStep: "review_auth_configuration" };
    return { ok: false, error: { code: "INVALID_REQUEST", message: SETUP_CODE_REJECTED, details }, delayMs: h.shared.delayMs };
  }
  const explicit = auth?.deviceToken?.trim() || undefined;
  const candidate = explicit ?? (auth?.token?.trim() || undefined);
  if (candidate) {
    const check = deps.store.verifyToken(deviceId, h.role, candidate, scopes);
    if (check.ok) return { ok: true, authMethod: "device-token", presentedDeviceToken: candidate };
    if (check.reason === "scope-mismatch") return { ok: false, error: deviceTokenError("scope_mismatch") };
    if (explicit) return { ok: false, error: deviceTokenError("device_token_mismatch") };
  }
  // A wrong shared token with a device: the client may retry with its stored device token (reference advice).
  if (sharedCode === "AUTH_TOKEN_MISMATCH" && auth?.token && !auth.password && !auth.deviceToken) {
    const details = { ...(failure.details as Record<string, unknown>), canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" };
    return { ok: false, error: { ...failure, details }, delayMs: h.shared.delayMs };
  }
  return { ok: false, error: failure, delayMs: h.shared.delayMs };
}

function deviceTokenError(reason: "device_token_mismatch" | "scope_mismatch"): ErrorShape {
  const scope = reason === "scope_mismatch";
  return {
    code: "INVALID_REQUEST",
    message: scope ? "unauthorized: device token scope mismatch (re-pair or approve scope upgrade)" : "unauthorized: device token mismatch (rotate/reissue device token)",
    details: {
      code: scope ? "AUTH_SCOPE_MISMATCH" : "AUTH_DEVICE_TOKEN_MISMATCH",
      authReason: reason,
      canRetryWithDeviceToken: false,
      recommendedNextStep: scope ? "review_auth_configuration" : "update_auth_credentials",
    },
  };
}

/** The paired record admits this role and these scopes. */
function allows(device: PairedDevice, role: string, scopes: readonly string[]): boolean {
  return (device.roles ?? []).includes(role) && missingScope(role, scopes, device.approvedScopes ?? device.scopes ?? []) === undefined;
}

/**
 * The reference's silent local pairing: never for a remote peer; a browser Origin only for the Control UI;
 * off with autoApproveLocal:false; a scope upgrade only over the shared secret; a paired non-operator device
 * asking again always waits for an owner.
 */
function silentAllowed(h: DeviceHandshake, reason: PairingReason, authMethod: string, existing: PairedDevice | undefined, isUi: boolean, autoApproveLocal: boolean | undefined): boolean {
  if (existing && h.role !== "operator") return false;
  if (!h.local) return false;
  if (h.origin && !isUi) return false;
  if (autoApproveLocal === false) return false;
  if (reason === "scope-upgrade") return authMethod === "none" || authMethod === "token" || authMethod === "password";
  return true;
}

function pairingRequired(reason: PairingReason, requestId: string, deviceId: string, h: DeviceHandshake, scopes: string[], existing: PairedDevice | undefined, isUi: boolean): Admission {
  const message = `pairing required: ${REQUIREMENT[reason].requirement}`;
  const waiting = isUi && h.role === "operator";
  const approvedRoles = existing?.roles ?? [];
  const approvedScopes = existing?.approvedScopes ?? existing?.scopes ?? [];
  const details = {
    code: "PAIRING_REQUIRED",
    reason,
    requestId,
    remediationHint: REQUIREMENT[reason].hint,
    ...(waiting ? { recommendedNextStep: "wait_then_retry", retryable: true, pauseReconnect: false } : {}),
    deviceId,
    requestedRole: h.role,
    ...(scopes.length > 0 ? { requestedScopes: scopes } : {}),
    ...(approvedRoles.length > 0 ? { approvedRoles } : {}),
    ...(approvedScopes.length > 0 ? { approvedScopes } : {}),
  };
  return { ok: false, error: { code: "NOT_PAIRED", message, details }, closeReason: `${message} (requestId: ${requestId})` };
}
