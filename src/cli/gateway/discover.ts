import { defineCommand } from "citty";
import type { OpenClawConfig } from "../../config/schema.ts";
import { CliError, cliContext, type CliContext } from "../context.ts";

export default defineCommand({
  meta: { name: "discover", description: "Find gateways on the LAN (mDNS) and in the wide-area DNS-SD domain" },
  args: {
    timeout: { type: "string", description: "Whole-command budget in ms, browse and resolve together (default 2000)" },
    json: { type: "boolean", description: 'Print {"beacons":[…]} as JSON' },
  },
  async run(context) {
    const ctx = cliContext(context);
    const options = await argsToDiscoverOptions(context.args, ctx);
    const { discoverGateways } = await import("../../discovery/discover.ts");
    const warnings: string[] = [];
    const beacons = await discoverGateways({ ...options, onWarning: (message) => warnings.push(message) });
    for (const warning of new Set(warnings)) ctx.err(`warning: ${warning}`);
    const { beaconJson } = await import("../../discovery/merge.ts");
    if (context.args.json) {
      ctx.out(JSON.stringify({ beacons: beacons.map(beaconJson) }, null, 2));
      return 0;
    }
    const where = ["local.", ...(options.wideArea ? [options.wideArea.domain.replace(/\.?$/, ".")] : [])].join(" and ");
    if (beacons.length === 0) {
      ctx.out(`No gateways found in ${where} within ${options.timeoutMs} ms.`);
      return 0;
    }
    ctx.out(
      table(
        ["NAME", "HOST", "PORT", "WS URL", "TLS", "SOURCE"],
        beacons.map((b) => [b.instanceName, b.host, String(b.port), b.wsUrl, b.tls ? "yes" : "no", b.source === "mdns" ? "mdns" : `wide-area (${b.domain})`]),
      ),
    );
    return 0;
  },
});

export interface DiscoverCliOptions {
  timeoutMs: number;
  wideArea: { domain: string; nameserver?: string } | false;
}

/** Flags and config into discovery options: `--timeout`, else `discovery.timeoutMs`, else 2000; wide-area from config or env. */
export async function argsToDiscoverOptions(args: Record<string, unknown>, ctx: CliContext): Promise<DiscoverCliOptions> {
  const discovery = await readDiscoveryConfig(ctx);
  let timeoutMs = discovery?.timeoutMs ?? 2000;
  if (args.timeout !== undefined) {
    const text = String(args.timeout).trim();
    timeoutMs = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new CliError(`Expected --timeout to be a positive number of milliseconds, got ${JSON.stringify(args.timeout)}`);
    }
  }
  const wide = discovery?.wideArea ?? {};
  const domain = wide.domain ?? (ctx.env.OPENCLAW_WIDE_AREA_DOMAIN?.trim() || undefined);
  const wideArea = wide.enabled !== false && domain ? { domain, nameserver: wide.nameserver } : false;
  return { timeoutMs, wideArea };
}

// --- internal ---

async function readDiscoveryConfig(ctx: CliContext): Promise<OpenClawConfig["discovery"]> {
  const { resolveProfilePaths } = await import("../../config/paths.ts");
  const { inspectConfig } = await import("../../config/load.ts");
  const inspection = inspectConfig(resolveProfilePaths(ctx.profile, { env: ctx.env }), ctx.env);
  if (!inspection.snapshot) {
    // Discovery still works without a valid config; say why wide-area settings are ignored.
    ctx.err(`warning: config not used (${inspection.error?.message ?? "invalid"}); browsing local. only`);
    return undefined;
  }
  return inspection.snapshot.config.discovery;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
