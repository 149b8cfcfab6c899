// Human output of `openclaw status`: one overview table, then the optional deep health section.
import { formatHealthChannelLines } from "../gateway/_health-format.ts";
import { describeRuntime, describeService, type ServiceView } from "../gateway/_service-view.ts";
import { painter } from "../gateway/_style.ts";
import type { StatusReport } from "./_gather.ts";

export function renderStatus(report: StatusReport, options: { color: boolean; all: boolean; verbose: boolean }): string {
  const paint = painter(options.color);
  const g = report.gateway;
  const lines: string[] = [];
  if (options.verbose || options.all) {
    lines.push(paint("muted", `Gateway target: ${g.url}`), paint("muted", `Source: ${g.urlSource}`), paint("muted", `Config: ${report.configPath}`), "");
  }
  lines.push(paint("heading", "OpenClaw status"), "");
  let gatewayCell: string;
  if (g.reachable) {
    const parts = [paint("success", "reachable"), g.mode, `${g.url} (${g.urlSource})`];
    if (g.connectLatencyMs !== null) parts.push(`${g.connectLatencyMs}ms`);
    if (g.version) parts.push(`app ${g.version}`);
    gatewayCell = parts.join(" · ");
  } else if (g.error) {
    gatewayCell = `${paint("error", "unreachable")} · ${g.mode} · ${g.url} · ${g.error}`;
  } else {
    gatewayCell = `${paint("muted", "not checked")} · ${g.mode} · ${g.url} (no config yet; run \`openclaw gateway\` to start one)`;
  }
  const rows: [string, string][] = [
    ["Gateway", gatewayCell],
    ["Auth", g.credential ?? "no token or password (set OPENCLAW_GATEWAY_TOKEN or gateway.auth.token)"],
    ["Config", `${report.configPath}${report.config.exists ? "" : " (missing)"}${report.config.valid ? "" : " (invalid)"}`],
    ["Service", serviceCell(report.service)],
    ["Process", report.process?.alive ? `running (pid ${report.process.pid})` : report.process ? `stopped (stale lock of pid ${report.process.pid})` : "no gateway lock"],
    ["Sessions", report.sessions.count === null ? "not collected" : String(report.sessions.count)],
    ["Channels", report.channels.count === null ? "not collected" : report.channels.count === 0 ? "0 (none configured)" : `${report.channels.count} (${report.channels.ids.join(", ")})`],
  ];
  if (options.all && g.self) {
    const self = g.self;
    rows.push(["Gateway self", `${self.host ?? "unknown"}${self.ip ? ` (${self.ip})` : ""} · ${self.version ?? "unknown"} · ${self.platform ?? "unknown"}`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [key, value] of rows) lines.push(`${key.padEnd(width)}${value}`);
  for (const issue of report.config.issues.slice(0, 5)) lines.push(paint("warn", `Config issue: ${issue.path}: ${issue.message}`));
  for (const note of report.notes) lines.push(paint("warn", note));
  if (report.health) {
    lines.push("", paint("heading", "Health"));
    const channelLines = formatHealthChannelLines(report.health);
    lines.push(...(channelLines.length > 0 ? channelLines : ["No channels configured."]));
  }
  if (!g.reachable && g.error) lines.push("", "Next: `openclaw gateway status` for the service and probe details, `openclaw doctor` for local checks.");
  return lines.join("\n");
}

/** `not installed`, or `systemd unit openclaw-gateway.service · running (pid 12) · 1 drift (run openclaw doctor)`. */
function serviceCell(service: ServiceView): string {
  if (!service.installed) return service.error && !service.manager ? `unavailable (${service.error})` : "not installed";
  const parts = [describeService(service), describeRuntime(service.runtime)];
  if (service.drift.length > 0) parts.push(`${service.drift.length} drift${service.drift.length === 1 ? "" : "s"} (run openclaw doctor)`);
  return parts.join(" · ");
}
