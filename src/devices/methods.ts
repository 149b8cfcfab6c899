// device.pair.* and device.token.* with the reference's params, results, refusals and events.
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { CallerInfo, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import { CLOSE } from "../protocol/constants.ts";
import type { GatewayView } from "../surface/types.ts";
import { missingScope } from "./scopes.ts";
import type { PairedDevice, PairingStore } from "./store.ts";
import { UpgradeCoordinator } from "./upgrades.ts";

/** What the device methods act through. */
export interface DeviceMethodDeps {
  store: () => Promise<PairingStore>;
  core: GatewayView;
  emit(event: string, payload: unknown): void;
  log: { info(message: string): void; warn(message: string): void };
}

const id = z.string().min(1);
const ListParams = z.object({}).strict();
const RequestParams = z.object({ requestId: id }).strict();
const DeviceParams = z.object({ deviceId: id }).strict();
const RenameParams = z.object({ deviceId: id, label: z.string().min(1).max(64) }).strict();
const RotateParams = z.object({ deviceId: id, role: id, scopes: z.array(id).optional() }).strict();
const RevokeParams = z.object({ deviceId: id, role: id }).strict();
const UpgradeParams = z.object({ scopes: z.array(id).min(1).max(8) }).strict();
const WaitParams = z.object({ requestId: id }).strict();
const OPERATOR_SCOPES = new Set(["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing", "operator.questions", "operator.talk", "operator.talk.secrets", "operator.sessions.read", "operator.sessions.write"]);
const DEVICE_REQUIRED = "device scope upgrade requires a paired browser identity; reopen the Control UI over HTTPS or localhost, then retry";
const deviceRequired = () => new GatewayError("INVALID_REQUEST", DEVICE_REQUIRED, { details: { code: "DEVICE_IDENTITY_REQUIRED", recommendedNextStep: "reopen_control_ui_securely" } });

const isAdmin = (caller: CallerInfo) => caller.scopes.includes("operator.admin");
/** The caller's own device, when it authenticated with that device's token (the reference's session authz). */
const ownDevice = (caller: CallerInfo) => (caller.authMethod === "device-token" ? caller.deviceId : undefined);
const nonOperator = (roles: readonly (string | undefined)[]) => roles.some((r) => r !== undefined && r !== "operator");
const denied = (message: string) => new GatewayError("INVALID_REQUEST", message);

/** A paired device as the wire shows it: no token hashes, no approval baseline; token summaries sorted by role. */
export function redactDevice(device: PairedDevice, connected?: boolean): Record<string, unknown> {
  const { tokens, approvedScopes: _approved, nodeSurface: _surface, ...rest } = device;
  const summaries = Object.values(tokens ?? {})
    .map(({ hashes: _hashes, ...summary }) => summary)
    .sort((a, b) => a.role.localeCompare(b.role));
  return { ...rest, ...(connected !== undefined ? { connected } : {}), ...(summaries.length > 0 ? { tokens: summaries } : {}) };
}

/** The device.* RPC family. */
export function deviceMethods(deps: DeviceMethodDeps): MethodFamily {
  const upgrades = new UpgradeCoordinator();
  /** An owner's decision reaches a live scope upgrade waiting on it (approved: with the new token). */
  const settleUpgrade = (store: PairingStore, requestId: string, decision: "approved" | "rejected") => {
    const asked = upgrades.requested(requestId);
    if (!asked) return;
    const token = decision === "approved" ? store.issueToken(asked.deviceId, "operator", asked.scopes) : undefined;
    upgrades.resolve(requestId, token ? { status: "approved", requestId, deviceToken: token.token, scopes: token.scopes } : { status: "rejected", requestId });
  };
  const connected = (deviceId: string) => deps.core.hasClient((c) => c.deviceId === deviceId);
  const dropClients = (deviceId: string, role?: string) =>
    queueMicrotask(() => deps.core.disconnect((c) => c.deviceId === deviceId && (role === undefined || c.role === role), CLOSE.policy, "device token revoked"));

  return {
    "device.pair.list": async (params, { caller }) => {
      parseParams("device.pair.list", ListParams, params);
      const store = await deps.store();
      let pending = store.listPending();
      let paired = store.listPaired();
      const own = ownDevice(caller);
      if (own && !isAdmin(caller)) {
        pending = pending.filter((p) => p.deviceId === own);
        paired = paired.filter((d) => d.deviceId === own);
      }
      return { pending, paired: paired.map((d) => redactDevice(d, connected(d.deviceId))) };
    },

    "device.pair.approve": async (params, { caller }) => {
      const { requestId } = parseParams("device.pair.approve", RequestParams, params);
      const store = await deps.store();
      const pending = store.getPending(requestId.trim());
      if (!isAdmin(caller)) {
        if (!pending) throw denied("device pairing approval denied");
        const own = ownDevice(caller);
        if (own && pending.deviceId !== own) throw denied("device pairing approval denied");
        if (nonOperator([pending.role, ...(pending.roles ?? [])])) throw denied("device pairing approval denied");
        const missing = missingScope("operator", pending.scopes ?? [], caller.scopes);
        if (missing) throw denied(`missing scope: ${missing}`);
      }
      const device = pending && store.approve(pending.requestId, "owner");
      if (!device) throw denied("unknown requestId");
      deps.log.info(`device pairing approved device=${device.deviceId} role=${device.role ?? "unknown"}`);
      deps.emit("device.pair.resolved", { requestId: pending.requestId, deviceId: device.deviceId, decision: "approved", ts: Date.now() });
      settleUpgrade(store, pending.requestId, "approved");
      return { requestId: pending.requestId, device: redactDevice(store.getPaired(device.deviceId) ?? device) };
    },

    "device.pair.reject": async (params, { caller }) => {
      const { requestId } = parseParams("device.pair.reject", RequestParams, params);
      const store = await deps.store();
      const pending = store.getPending(requestId.trim());
      const own = ownDevice(caller);
      if (!isAdmin(caller) && own && (!pending || pending.deviceId !== own)) throw denied("device pairing rejection denied");
      const rejected = store.reject(requestId.trim());
      if (!rejected) throw denied("unknown requestId");
      deps.emit("device.pair.resolved", { requestId: rejected.requestId, deviceId: rejected.deviceId, decision: "rejected", ts: Date.now() });
      settleUpgrade(store, rejected.requestId, "rejected");
      return { requestId: rejected.requestId, deviceId: rejected.deviceId };
    },

    "device.pair.remove": async (params, { caller }) => {
      const { deviceId } = parseParams("device.pair.remove", DeviceParams, params);
      const own = ownDevice(caller);
      if (!isAdmin(caller) && own && own !== deviceId.trim()) throw denied("device pairing removal denied");
      const store = await deps.store();
      const target = store.getPaired(deviceId.trim());
      if (!isAdmin(caller) && own && target && nonOperator([target.role, ...(target.roles ?? []), ...Object.keys(target.tokens ?? {})])) throw denied("device pairing removal denied");
      const removed = store.remove(deviceId.trim());
      if (!removed) throw denied("unknown deviceId");
      deps.log.info(`device pairing removed device=${removed.deviceId}`);
      dropClients(removed.deviceId);
      return { deviceId: removed.deviceId };
    },

    "device.pair.rename": async (params, { caller }) => {
      const { deviceId, label } = parseParams("device.pair.rename", RenameParams, params);
      const trimmed = label.trim();
      if (!trimmed) throw denied("label required");
      const own = ownDevice(caller);
      if (!isAdmin(caller) && own && own !== deviceId.trim()) throw denied("device pairing rename denied");
      const renamed = (await deps.store()).touch(deviceId.trim(), { operatorLabel: trimmed });
      if (!renamed) throw denied("unknown deviceId");
      deps.emit("device.pair.changed", {});
      return { deviceId: deviceId.trim(), label: trimmed };
    },

    "device.token.rotate": async (params, { caller }) => {
      const { deviceId, role, scopes } = parseParams("device.token.rotate", RotateParams, params);
      const target = deviceId.trim();
      const own = ownDevice(caller);
      if (!isAdmin(caller) && ((own && own !== target) || role.trim() !== "operator")) throw denied("device token rotation denied");
      if (!isAdmin(caller) && scopes && missingScope("operator", scopes, caller.scopes)) throw denied("device token rotation denied");
      const rotated = (await deps.store()).rotateToken(target, role.trim(), scopes);
      if ("denied" in rotated) {
        deps.log.warn(`device token rotation denied device=${target} role=${role} reason=${rotated.denied}`);
        throw denied("device token rotation denied");
      }
      deps.log.info(`device token rotated device=${target} role=${rotated.role}`);
      const inBand = ownDevice(caller) === target;
      if (!inBand) dropClients(target, rotated.role);
      return {
        deviceId: target,
        role: rotated.role,
        ...(inBand ? { token: rotated.token } : {}),
        scopes: rotated.scopes,
        rotatedAtMs: rotated.rotatedAtMs ?? rotated.createdAtMs,
        tokenDelivery: inBand ? "in-band" : "withheld-cross-device",
      };
    },

    "device.scopes.requestUpgrade": async (params, { caller }) => {
      const { scopes } = parseParams("device.scopes.requestUpgrade", UpgradeParams, params);
      if (!caller.deviceId || caller.role !== "operator") throw deviceRequired();
      const store = await deps.store();
      const paired = store.getPaired(caller.deviceId);
      if (!paired) throw deviceRequired();
      const requested = [...new Set(scopes.map((s) => s.trim()))].sort();
      if (!requested.every((s) => OPERATOR_SCOPES.has(s))) throw denied("requested scopes contain an unknown operator scope");
      if (missingScope("operator", caller.scopes, requested) !== undefined) throw denied("requested scopes must include the connection's current scopes");
      const { request, created, superseded } = store.request({
        deviceId: paired.deviceId, publicKey: paired.publicKey, displayName: paired.displayName, platform: paired.platform, deviceFamily: paired.deviceFamily,
        clientId: caller.clientId, clientMode: caller.mode, role: "operator", roles: ["operator"], scopes: requested, remoteIp: paired.remoteIp, silent: false,
      });
      if (!upgrades.register(request.requestId, paired.deviceId, requested)) throw new GatewayError("UNAVAILABLE", "device scope upgrade is temporarily unavailable", { retryable: true });
      for (const old of superseded) {
        upgrades.resolve(old.requestId, { status: "rejected", requestId: old.requestId });
        deps.emit("device.pair.resolved", { requestId: old.requestId, deviceId: old.deviceId, decision: "rejected", ts: Date.now() });
      }
      if (created) deps.emit("device.pair.requested", request);
      deps.log.warn(`security audit: live device scope upgrade requested device=${paired.deviceId} scopesFrom=${caller.scopes.join(",")} scopesTo=${requested.join(",")}`);
      return { requestId: request.requestId };
    },

    "device.scopes.waitUpgrade": async (params, { caller }) => {
      const { requestId } = parseParams("device.scopes.waitUpgrade", WaitParams, params);
      if (!caller.deviceId || caller.role !== "operator") throw deviceRequired();
      const result = upgrades.wait(requestId.trim(), caller.deviceId);
      if (!result) throw denied("scope upgrade expired or not found");
      return await result;
    },

    "device.token.revoke": async (params, { caller }) => {
      const { deviceId, role } = parseParams("device.token.revoke", RevokeParams, params);
      const target = deviceId.trim();
      const own = ownDevice(caller);
      if (!isAdmin(caller) && ((own && own !== target) || role.trim() !== "operator")) throw denied("device token revocation denied");
      const revoked = (await deps.store()).revokeToken(target, role.trim());
      if (!revoked) throw denied("device token revocation denied");
      deps.log.info(`device token revoked device=${target} role=${role.trim()}`);
      dropClients(target, role.trim());
      return { deviceId: target, role: role.trim(), revokedAtMs: revoked.revokedAtMs };
    },
  };
}
