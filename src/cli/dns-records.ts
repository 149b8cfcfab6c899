import { defineCommand } from "citty";
import { CliError, cliContext } from "./context.ts";

export default defineCommand({
  meta: { name: "records", description: "Print the DNS-SD records (PTR/SRV/TXT/A) to put in the wide-area zone" },
  args: {
    domain: { type: "string", description: "Discovery domain (default: discovery.wideArea.domain or OPENCLAW_WIDE_AREA_DOMAIN)" },
    address: { type: "string", description: "Address for the A/AAAA record (default: the tailnet address, else every LAN IPv4)" },
    port: { type: "string", description: "Gateway port to advertise (default: as `openclaw gateway` resolves it)" },
    json: { type: "boolean", description: "Print the records as a JSON array of {name,type,ttl,data}" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const { resolveProfilePaths } = await import("../config/paths.ts");
    const { loadConfig } = await import("../config/load.ts");
    const { resolveGatewaySettings, parsePort } = await import("../config/resolve.ts");
    const snapshot = loadConfig(resolveProfilePaths(ctx.profile, { env: ctx.env }), ctx.env);
    const config = snapshot.config;
    const domain = str(context.args.domain) ?? config.discovery?.wideArea?.domain ?? str(ctx.env.OPENCLAW_WIDE_AREA_DOMAIN);
    if (!domain) {
      throw new CliError("No discovery domain", 1, "Pass --domain openclaw.internal, or set discovery.wideArea.domain.");
    }
    const port = str(context.args.port) ? parsePort(String(context.args.port), "--port") : resolveGatewaySettings(snapshot, {}, ctx.env).port;
    const { beaconIdentity, beaconTxt } = await import("../discovery/settings.ts");
    const { wideAreaRecords, formatZone } = await import("../discovery/zone.ts");
    const { networkInterfaces } = await import("node:os");
    const { tailnetAddress } = await import("../server/bind.ts");
    const identity = beaconIdentity(config.discovery, ctx.env);
    const tls = config.gateway?.tls?.enabled ? await servedCertificate(config.gateway.tls, snapshot.paths.stateDir) : undefined;
    const txt = beaconTxt({ config, port, env: ctx.env, identity, scope: "wide-area", tls });
    const address = str(context.args.address);
    const { isIP } = await import("node:net");
    if (address && !isIP(address)) throw new CliError(`Expected --address to be an IPv4 or IPv6 address, got ${JSON.stringify(address)}`);
    const interfaces = networkInterfaces();
    const tailnet = tailnetAddress(interfaces);
    const lan = Object.values(interfaces).flatMap((list) => (list ?? []).filter((i) => i.family === "IPv4" && !i.internal).map((i) => i.address));
    const addresses = address ? [address] : tailnet ? [tailnet] : lan;
    const records = wideAreaRecords({ domain, instanceName: identity.instanceName, hostLabel: identity.hostLabel, port, txt, addresses });
    if (context.args.json) {
      ctx.out(JSON.stringify(records, null, 2));
      return 0;
    }
    const header = [`OpenClaw gateway DNS-SD records for ${domain.replace(/\.?$/, ".")} (add them to the zone your nameserver serves)`];
    if (addresses.length === 0) header.push(`no address found: add an A record for ${identity.hostLabel}.${domain.replace(/\.?$/, ".")} (or pass --address)`);
    ctx.out(formatZone(records, header));
    return 0;
  },
});

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The certificate the gateway serves when TLS is on (configured or generated path); no file means no fingerprint. */
async function servedCertificate(tls: { certPath?: string }, stateDir: string): Promise<{ sha256?: string }> {
  const { gatewayTlsPaths } = await import("../config/tls-paths.ts");
  const { certificateSha256 } = await import("../discovery/settings.ts");
  return { sha256: certificateSha256(gatewayTlsPaths(tls, stateDir).certPath) };
}
