import { isIP } from "../platform/ip.ts";
import { networkInterfaces } from "node:os";
import type { BindPlan } from "../surface/net.ts";

/** Thrown when a bind mode cannot be satisfied on this host. */
export class BindError extends Error {
  override readonly name = "BindError";
}

type Interfaces = ReturnType<typeof networkInterfaces>;

const TAILNET_CIDR = { base: ipv4ToInt("100.64.0.0"), mask: 0xffc00000 };

/** Resolves `--bind` to addresses: loopback, lan (all IPv4), tailnet (100.64.0.0/10), auto, custom. */
export function planBind(mode: string, customHost: string | undefined, interfaces: Interfaces = networkInterfaces()): BindPlan {
  switch (mode) {
    case "loopback":
      return { mode, hosts: hasIpv6Loopback(interfaces) ? ["127.0.0.1", "::1"] : ["127.0.0.1"], loopbackOnly: true };
    case "lan":
      return { mode, hosts: ["0.0.0.0"], loopbackOnly: false };
    case "tailnet": {
      const address = tailnetAddress(interfaces);
      if (!address) throw new BindError("--bind tailnet: no Tailscale address (100.64.0.0/10) on this host; is tailscale up?");
      // Same-host clients still dial 127.0.0.1, so the reference also listens there.
      return { mode, hosts: [address, "127.0.0.1"], loopbackOnly: false };
    }
    case "auto": {
      const address = tailnetAddress(interfaces);
      return address ? { mode, hosts: [address, "127.0.0.1"], loopbackOnly: false } : planBind("loopback", undefined, interfaces);
    }
    case "custom": {
      if (!customHost) throw new BindError("--bind custom needs gateway.customBindHost (an IPv4 address)");
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(customHost)) {
        throw new BindError(`Expected gateway.customBindHost to be an IPv4 address, got ${JSON.stringify(customHost)}`);
      }
      const extra = customHost === "127.0.0.1" || customHost === "0.0.0.0" ? [] : ["127.0.0.1"];
      return { mode, hosts: [customHost, ...extra], loopbackOnly: customHost.startsWith("127.") };
    }
    default: {
      // A literal address (`bind: "192.168.1.20"`, seed 004): listen there, and on loopback so this host's CLI still connects.
      const family = isIP(mode);
      if (family === 0) throw new BindError(`Expected --bind to be loopback, lan, tailnet, auto, custom or an IP address, got ${JSON.stringify(mode)}`);
      const loopback = family === 4 ? "127.0.0.1" : "::1";
      const wildcard = mode === "0.0.0.0" || mode === "::";
      const extra = mode === loopback || wildcard ? [] : ["127.0.0.1"];
      return { mode, hosts: [mode, ...extra], loopbackOnly: family === 4 ? mode.startsWith("127.") : mode === "::1" };
    }
  }
}

/** The first address in Tailscale's CGNAT range, if any interface has one. */
export function tailnetAddress(interfaces: Interfaces): string | undefined {
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.family === "IPv4" && ((ipv4ToInt(info.address) & TAILNET_CIDR.mask) >>> 0) === TAILNET_CIDR.base) return info.address;
    }
  }
  return undefined;
}

/** True when some interface carries ::1, so a loopback bind can add it. */
function hasIpv6Loopback(interfaces: Interfaces): boolean {
  return Object.values(interfaces).some((list) => list?.some((info) => info.family === "IPv6" && info.address === "::1"));
}

function ipv4ToInt(address: string): number {
  return address.split(".").reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** The URL a client on this host should dial for a listening host and port. */
export function wsUrlFor(host: string, port: number, tls = false): string {
  const dial = host === "0.0.0.0" ? "127.0.0.1" : host;
  return `${tls ? "wss" : "ws"}://${dial.includes(":") ? `[${dial}]` : dial}:${port}`;
}
