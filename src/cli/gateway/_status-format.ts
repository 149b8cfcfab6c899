// Human output of `gateway status`, in the reference's line order (Service, File logs, Config, Gateway,
// Probe target, Dashboard, Runtime, probe result); problems go to stderr as the reference does.
// `Runtime:` is the supervisor's word (running|stopped|not installed|unknown); `Process:` is the gateway
// lock, which also covers a gateway started by hand; `Connectivity probe:` is the RPC probe.
import type { GatewayStatusReport } from "./_status-gather.ts";
import { describeRuntime, describeService } from "./_service-view.ts";
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
  const service = report.service;
  if (service.installed) {
    out.push(`Service: ${describeService(service)}`);
    out.push(`Service file: ${service.unitPath}`);
    if (service.execStart) out.push(`Command: ${service.execStart}`);
    if (service.envFile) out.push(`Service env file: ${service.envFile}`);
  } else if (service.error && !service.manager) {
    out.push(`Service: unavailable (${service.error})`);
  } else {
    out.push("Service: not installed");
  }
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
  out.push(`Runtime: ${describeRuntime(service.runtime)}`);
  if (service.error && service.manager) err.push(`Service supervisor: ${service.error}`);
  if (proc?.alive) out.push(`Process: running (pid ${proc.pid}${proc.port ? `, port ${proc.port}` : ""}, from ${proc.lockFile})`);
  else if (proc) out.push(`Process: stopped (stale lock of pid ${proc.pid})`);
  if (service.installed && service.port !== null && service.port !== g.port) {
    err.push(`Service port ${service.port} differs from the probed port ${g.port}.`);
  }
  for (const line of service.drift) err.push(`Service drift: ${line}`);
  for (const hint of service.hints) err.push(`Service hint: ${hint}`);
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
  if ((proc?.alive || service.runtime.status === "running") && report.port.status === "free") {
    err.push(`Gateway port ${report.port.port} is not listening (the gateway process appears running).`);
    if (report.lastError) err.push(`Last gateway error: ${report.lastError}`);
    err.push(`Logs: ${report.logFile}`);
  }
  const deep = service.deepScan;
  if (deep) {
    if (deep.error) err.push(`Deep scan failed: ${deep.error}`);
    else if (deep.services.length === 0) out.push("Other gateway-like services: none found (best effort)");
    else {
      out.push(paint("warn", `${deep.heading}:`));
      for (const other of deep.services) {
        const where = other.path ?? other.execStart;
        out.push(`- ${other.name} (${other.manager} ${other.scope}, ${other.reason}${other.port ? `, port ${other.port}` : ""})${where ? ` ${where}` : ""}`);
        out.push(`  cleanup: ${other.cleanup}`);
      }
      out.push("Usually one gateway runs per machine; remove the ones you do not use (an isolated profile such as a rescue bot is fine).");
    }
  }
  out.push("Troubles: run openclaw doctor");
  return { out, err };
}
