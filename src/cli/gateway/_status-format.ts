// Human output of `gateway status`, in the reference's line order (Service, File logs, Config, Gateway,
// Probe target, Dashboard, Runtime, probe result); problems go to stderr as the reference does.
import type { GatewayStatusReport } from "./status.ts";
import { painter } from "./_style.ts";

const CAPABILITY_LABEL: Record<string, string> = {
  admin_capable: "admin-capable",
  write_capable: "write-capable",
  read_only: "read-only",
  connected_no_operator_scope: "connect-only",
  pairing_pending: "pairing pending",
  unknown: "unknown",
};

export function renderGatewayStatus(report: GatewayStatusReport, color: boolean): { out: string[]; err: string[] } {
  const paint = painter(color);
  const out: string[] = [];
  const err: string[] = [];
  out.push(`Service: ${report.service.state}`);
  if (report.service.deepScan) out.push(`Deep scan: ${report.service.deepScan}`);
  out.push(`File logs: ${report.logFile}`);
  const cli = report.config.cli;
  out.push(`Config (cli): ${cli.path}${cli.exists ? "" : " (missing)"}${cli.valid ? "" : " (invalid)"}`);
  for (const issue of cli.issues.slice(0, 5)) err.push(`Config issue: ${issue.path || "<root>"}: ${issue.message}`);
  const g = report.gateway;
  out.push(`Gateway: bind=${g.bindMode} (${g.bindHost ?? "n/a"}), port=${g.port} (${g.portSource})`);
  out.push(`Probe target: ${g.probeUrl}${g.urlSource === "local loopback" ? "" : ` (${g.urlSource})`}`);
  out.push(`Dashboard: ${g.dashboard ?? "disabled"}`);
  if (g.probeNote) out.push(`Probe note: ${g.probeNote}`);
  for (const note of report.notes) err.push(note);
  const proc = report.process;
  if (proc?.alive) out.push(`Runtime: running (pid ${proc.pid}${proc.port ? `, port ${proc.port}` : ""}, from ${proc.lockFile})`);
  else if (report.service.runtime) out.push(`Runtime: ${report.service.runtime.status}`);
  else out.push(`Runtime: ${proc ? `stopped (stale lock of pid ${proc.pid})` : "unknown (no gateway lock, no service)"}`);
  const rpc = report.rpc;
  if (rpc) {
    if (rpc.ok) {
      out.push(`${paint("success", "Connectivity probe: ok")} (${rpc.connectLatencyMs}ms)`);
      out.push(`Capability: ${CAPABILITY_LABEL[rpc.capability] ?? rpc.capability}`);
      if (rpc.kind === "read") out.push(paint("success", "Read probe: ok"));
      if (g.version) out.push(`Gateway version: ${g.version}`);
    } else {
      err.push(paint("error", "Connectivity probe: failed"));
      err.push(`Probe target: ${rpc.url}`);
      for (const line of String(rpc.error ?? "unknown").split(/\r?\n/).filter(Boolean).slice(0, 12)) err.push(`  ${line}`);
    }
  }
  if (report.port.status === "busy") out.push(`Listening: 127.0.0.1:${report.port.port}`);
  if (proc?.alive && report.port.status === "free") {
    err.push(`Gateway port ${report.port.port} is not listening (the gateway process appears running).`);
    if (report.lastError) err.push(`Last gateway error: ${report.lastError}`);
    err.push(`Logs: ${report.logFile}`);
  }
  out.push("Troubles: run openclaw doctor");
  return { out, err };
}
