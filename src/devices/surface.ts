// Mounts device identity and pairing on the gateway: the handshake's device decision (Surface.admit), the
// device.* methods and the pairing events. Everything beyond these names loads on first use (no device, no cost).
import { lazyMethods } from "../surface/lazy-methods.ts";
import type { Admission, ClientView, DeviceHandshake, Surface, SurfaceContext } from "../surface/types.ts";
import type { BootstrapTokens } from "./bootstrap.ts";
import type { PairingStore } from "./store.ts";

const DEVICE_METHODS = ["device.pair.list", "device.pair.approve", "device.pair.reject", "device.pair.remove", "device.pair.rename", "device.token.rotate", "device.token.revoke", "device.scopes.requestUpgrade", "device.scopes.waitUpgrade", "device.pair.setupCode", "device.pair.setupStatus"];
export const DEVICE_EVENTS = ["device.pair.requested", "device.pair.resolved", "device.pair.changed", "device.pair.setup.completed"];

/** What other features (nodes) use of this one: the one store of this generation and the pairing events. */
export interface DevicesService {
  store(): Promise<PairingStore>;
  /** Sends a pairing event to clients holding operator.pairing (or admin). */
  emit(event: string, payload: unknown): void;
}

/** True for a client that may read pairing events. */
export const canPair = (client: ClientView) => client.scopes.includes("operator.pairing") || client.scopes.includes("operator.admin");

/** What the composition hands devices: the node command policy a node's declaration is filed against. */
export interface DevicesDeps {
  nodeCommands?(config: Record<string, unknown>, params: DeviceHandshake["params"], declared: string[]): string[];
}

export function devicesSurface(ctx: SurfaceContext, deps: DevicesDeps = {}): Surface & { service: DevicesService } {
  const log = ctx.logger.child("devices");
  let store: Promise<PairingStore> | undefined;
  const service: DevicesService = {
    store: () => (store ??= import("./store.ts").then((m) => new m.PairingStore(ctx.core.config().paths.stateDir))),
    emit: (event, payload) => ctx.core.broadcast(event, payload, { filter: canPair }),
  };
  let bootstrap: Promise<BootstrapTokens> | undefined;
  const bootstrapTokens = () => (bootstrap ??= import("./bootstrap.ts").then((m) => new m.BootstrapTokens(ctx.core.config().paths.stateDir)));
  const methods = lazyMethods(DEVICE_METHODS, async () => {
    const [{ deviceMethods }, { setupCodeMethod, setupStatusMethod }, tokens] = await Promise.all([import("./methods.ts"), import("./setup-code.ts"), bootstrapTokens()]);
    return { ...deviceMethods({ store: service.store, core: ctx.core, emit: service.emit, log }), "device.pair.setupCode": setupCodeMethod(ctx, () => tokens), "device.pair.setupStatus": setupStatusMethod(() => tokens) };
  });
  return {
    name: "devices",
    service,
    methods,
    events: DEVICE_EVENTS,
    async stop() {
      if (store) (await store).flush();
    },
    async admit(handshake: DeviceHandshake): Promise<Admission> {
      const [{ admitDevice }, pairing] = await Promise.all([import("./admit.ts"), service.store()]);
      // The token store is opened only when a connect carries a bootstrap token (setup codes are rare).
      const tokens = handshake.params.auth?.bootstrapToken ? await bootstrapTokens() : undefined;
      const autoApproveLocal = () => (ctx.core.config().config.gateway as { nodes?: { pairing?: { autoApproveLocal?: boolean } } } | undefined)?.nodes?.pairing?.autoApproveLocal;
      const policy = deps.nodeCommands;
      const nodeCommands = policy ? (params: DeviceHandshake["params"], declared: string[]) => policy(ctx.core.config().config as Record<string, unknown>, params, declared) : undefined;
      return admitDevice(handshake, { store: pairing, now: Date.now, autoApproveLocal, emit: service.emit, log, nodeCommands, bootstrap: tokens });
    },
  };
}
