// Human output of `gateway probe`, laid out as the reference prints it (heading, reachability, budget,
// warnings, then one block per target with its connect/capability/read-probe line).
import type { ProbeReport } from "./_probe-report.ts";
import { targetLabel } from "./_probe-report.ts";
import { painter } from "./_style.ts";

const CAPABILITY_LABEL: Record<string, string> = {
  admin_capable: "admin-capable",
  write_capable: "write-capable",
  read_only: "read-only",
  connected_no_operator_scope: "connect-only",
  pairing_pending: "pairing pending",
  unknown: "unknown",
};

export function renderProbeReport(report: ProbeReport, color: boolean): string {
  const paint = painter(color);
  const lines = [
    paint("heading", "Gateway Status"),
    report.ok ? `${paint("success", "Reachable")}: yes` : `${paint("error", "Reachable")}: no`,
    paint("muted", `Probe budget: ${report.timeoutMs}ms`),
  ];
  if (report.warnings.length > 0) {
    lines.push("", paint("warn", "Warning:"));
    for (const warning of report.warnings) lines.push(`- ${warning.message}`);
  }
  lines.push("", paint("heading", "Discovery (this machine)"));
  if (report.discovery.available) lines.push(...(report.discovery.summary ?? []));
  else lines.push(paint("muted", "Not run: pass --ssh-auto, or see `openclaw gateway discover`."));
  lines.push("", paint("heading", "Targets"));
  for (const target of report.targets) {
    lines.push(`${paint("heading", targetLabel(target))} ${paint("muted", target.url)}`);
    const capability = `Capability: ${CAPABILITY_LABEL[target.auth.capability] ?? target.auth.capability}`;
    const detail = target.connect.error ? ` - ${target.connect.error}` : "";
    if (target.connect.latencyMs !== null) {
      const read = target.connect.rpcOk
        ? paint("success", "Read probe: ok")
        : target.connect.scopeLimited
          ? paint("warn", "Read probe: limited")
          : paint("error", "Read probe: failed");
      lines.push(`  ${paint("success", "Connect: ok")} (${target.connect.latencyMs}ms) · ${capability} · ${read}${target.connect.rpcOk ? "" : detail}`);
    } else if (target.connect.ok) {
      lines.push(`  ${paint("warn", "Connect: refused")} · ${capability}${detail}`);
    } else {
      lines.push(`  ${paint("error", "Connect: failed")}${detail}`);
    }
    if (target.tunnel) lines.push(`  ${paint("muted", "ssh")}: ${paint("command", target.tunnel.target)}`);
    if (target.self) {
      const self = target.self;
      const ip = self.ip ? ` (${self.ip})` : "";
      const platform = self.platform ? ` · ${self.platform}` : "";
      const version = self.version ? ` · app ${self.version}` : "";
      lines.push(`  ${paint("info", "Gateway")}: ${self.host ?? "unknown"}${ip}${platform}${version}`);
    }
    lines.push("");
  }
  return lines.join("\n").replace(/\n+$/, "");
}
