// Mounts the LAN beacon on the gateway: one advertisement per generation, started after the port is open
// and stopped (with a goodbye) before shutdown or an in-process restart, which then re-announces.
import type { Surface, SurfaceContext } from "../surface/types.ts";
import type { MdnsBeacon } from "./beacon.ts";
import { beaconIdentity, beaconTxt, planBeacon } from "./settings.ts";

/** The discovery surface, or undefined when the beacon rule says off (the reason is logged at debug). */
export function discoverySurface(ctx: SurfaceContext): Surface | undefined {
  const log = ctx.logger.child("discovery");
  const config = ctx.core.config().config;
  const plan = planBeacon(config.discovery, ctx.bind, ctx.env);
  if (!plan.enabled) {
    log.debug(`mdns: beacon off (${plan.reason})`);
    return undefined;
  }
  let beacon: MdnsBeacon | undefined;
  const announce = () => {
    const identity = beaconIdentity(config.discovery, ctx.env);
    const port = ctx.port();
    const txt = beaconTxt({ config, port, env: ctx.env, identity, scope: "mdns", tls: ctx.tls() });
    // The mDNS stack loads only when the beacon is on (never on a loopback-only gateway).
    const { MdnsBeacon } = require("./beacon.ts") as typeof import("./beacon.ts");
    beacon = new MdnsBeacon({ instanceName: identity.instanceName, hostLabel: identity.hostLabel, port, txt }, { log });
    beacon.start();
  };
  const withdraw = async () => {
    const current = beacon;
    beacon = undefined;
    await current?.stop();
  };
  return {
    name: "discovery",
    start() {
      log.debug(`mdns: beacon on (${plan.reason})`);
      announce();
    },
    // A renewed certificate has a new fingerprint: clients pinning from the beacon must see the new one.
    async tlsRenewed() {
      if (!beacon) return;
      await withdraw();
      announce();
    },
    stop: withdraw,
  };
}
