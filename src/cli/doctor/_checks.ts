// The checks of `openclaw doctor`. Each returns a finding and, when a repair is safe (permissions, a
// missing log directory, a drifted service definition), a `repair` that --fix runs; nothing here rewrites
// the config or the token.
import { sleep } from "../../platform/sleep.ts";
import { accessSync, chmodSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Deadline } from "../../client/deadline.ts";
import type { ConfigInspection } from "../../config/load.ts";
import { resolveGatewaySettings, type ResolvedGatewaySettings } from "../../config/resolve.ts";
import { resolveLogFile } from "../gateway/_log-path.ts";
import { tcpAccepts } from "../gateway/_net.ts";
import { describeRuntime, describeService, readGatewayLock, readServiceView, type ServiceView } from "../gateway/_service-view.ts";

export type Status = "ok" | "warn" | "fail" | "info";

export interface Finding {
  id: string;
  status: Status;
  message: string;
  /** What --fix would do, or what the operator should do. */
  fix?: string;
  /** Present when --fix can apply it safely; returns the line describing what changed. */
  repair?: () => string | Promise<string>;
}

export interface DoctorInput {
  inspection: ConfigInspection;
  env: Record<string, string | undefined>;
  /** `--profile` name (`"dev"` under `--dev`), as the service commands get it. */
  profile: string | undefined;
  dev: boolean;
  deadline: Deadline;
  /** Readiness wait for a starting gateway, in ms (inside the deadline). */
  say(line: string): void;
}

export async function runChecks(input: DoctorInput): Promise<Finding[]> {
  const { inspection } = input;
  const settings = settingsOf(inspection, input.env);
  return [
    configCheck(inspection),
    stateDirCheck(inspection.paths.stateDir),
    configFileCheck(inspection),
    await portCheck(inspection, settings, input),
    tokenCheck(settings, input.env),
    ...(await serviceChecks(input)),
    logDirCheck(resolveLogFile(inspection.snapshot)),
  ];
}

function settingsOf(inspection: ConfigInspection, env: Record<string, string | undefined>): ResolvedGatewaySettings | null {
  const snapshot = inspection.snapshot ?? { paths: inspection.paths, exists: false, raw: "", authored: {}, config: {}, hash: "" };
  try {
    return resolveGatewaySettings(snapshot, {}, env);
  } catch {
    return null;
  }
}

function configCheck(inspection: ConfigInspection): Finding {
  const path = inspection.paths.configPath;
  if (inspection.issues.length > 0) {
    const list = inspection.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join("; ");
    return { id: "config", status: "fail", message: `${path} is invalid: ${list}`, fix: "fix the listed keys, then run `openclaw config validate`" };
  }
  if (!inspection.exists) return { id: "config", status: "info", message: `${path} does not exist (defaults apply; \`openclaw gateway\` needs gateway.mode=local)` };
  return { id: "config", status: "ok", message: `${path} is valid` };
}

function stateDirCheck(dir: string): Finding {
  const mode = modeOf(dir);
  if (mode === null) return { id: "state-dir", status: "info", message: `${dir} does not exist yet (created 0700 on first start)` };
  if ((mode & 0o077) === 0) return { id: "state-dir", status: "ok", message: `${dir} is ${octal(mode)}` };
  return {
    id: "state-dir",
    status: "warn",
    message: `${dir} is ${octal(mode)}; other users can read the gateway's state (expected 0700)`,
    fix: `chmod 700 ${dir}`,
    repair: () => {
      chmodSync(dir, 0o700);
      return `chmod 700 ${dir} (was ${octal(mode)})`;
    },
  };
}

function configFileCheck(inspection: ConfigInspection): Finding {
  const file = inspection.paths.configPath;
  const mode = modeOf(file);
  if (mode === null) return { id: "config-file", status: "info", message: `${file} does not exist` };
  if ((mode & 0o077) === 0) return { id: "config-file", status: "ok", message: `${file} is ${octal(mode)}` };
  return {
    id: "config-file",
    status: "warn",
    message: `${file} is ${octal(mode)}; it can hold secrets (expected 0600)`,
    fix: `chmod 600 ${file}`,
    repair: () => {
      chmodSync(file, 0o600);
      return `chmod 600 ${file} (was ${octal(mode)})`;
    },
  };
}

/** Free, or owned by this profile's gateway (ready or still starting), or taken by someone else. */
async function portCheck(inspection: ConfigInspection, settings: ResolvedGatewaySettings | null, input: DoctorInput): Promise<Finding> {
  if (!settings) return { id: "port", status: "fail", message: "the gateway port could not be resolved (OPENCLAW_GATEWAY_PORT is invalid)" };
  const port = settings.port;
  if (!(await tcpAccepts(port, Math.max(1, Math.min(1000, input.deadline.remaining()))))) {
    return { id: "port", status: "ok", message: `port ${port} (${settings.portSource}) is free` };
  }
  const lock = readGatewayLock(inspection.paths.stateDir);
  const ours = lock?.alive && lock.port === port;
  const readiness = await waitForReady(port, input);
  if (ours) {
    if (readiness.state === "ready") return { id: "port", status: "ok", message: `port ${port} is used by this profile's gateway (pid ${lock!.pid}), ready` };
    if (readiness.state === "starting") return { id: "port", status: "warn", message: `port ${port} is used by this profile's gateway (pid ${lock!.pid}), still starting` };
    return { id: "port", status: "warn", message: `port ${port} is used by this profile's gateway (pid ${lock!.pid}), readiness unknown (${readiness.detail})` };
  }
  if (readiness.state !== "unknown") {
    return { id: "port", status: "warn", message: `port ${port} is used by another OpenClaw gateway (not this profile's lock${readiness.version ? `, version ${readiness.version}` : ""})`, fix: "use --profile or a different gateway.port for a second gateway" };
  }
  return { id: "port", status: "fail", message: `port ${port} is in use by another process`, fix: `free the port, or set a different gateway.port (\`openclaw gateway --force\` stops the listener)` };
}

/** `/readyz` of a gateway on the port; waits while it reports "starting", saying what it waits for. */
async function waitForReady(port: number, input: DoctorInput): Promise<{ state: "ready" | "starting" | "unknown"; detail?: string; version?: string }> {
  let said = false;
  for (;;) {
    const probe = await readyz(port, input.deadline);
    if (probe.state !== "starting" || input.deadline.remaining() < 250) return probe;
    if (!said) {
      input.say(`Waiting for the gateway on port ${port} to become ready (/readyz; up to ${Math.round(input.deadline.remaining())}ms)…`);
      said = true;
    }
    await sleep(250);
  }
}

async function readyz(port: number, deadline: Deadline): Promise<{ state: "ready" | "starting" | "unknown"; detail?: string; version?: string }> {
  const signal = AbortSignal.timeout(Math.max(1, Math.min(2000, deadline.remaining())));
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal });
    const body = (await response.json().catch(() => null)) as { ready?: unknown; failing?: unknown } | null;
    if (!body || typeof body.ready !== "boolean") return { state: "unknown", detail: `HTTP ${response.status} without a readiness body` };
    const startup = await fetch(`http://127.0.0.1:${port}/startupz`, { signal }).then((r) => r.json()).catch(() => null) as { version?: unknown } | null;
    const version = typeof startup?.version === "string" ? startup.version : undefined;
    return { state: body.ready ? "ready" : "starting", version };
  } catch (error) {
    return { state: "unknown", detail: (error as Error).message };
  }
}

const WEAK_SECRETS = new Set(["token", "password", "changeme", "secret", "admin", "openclaw", "test", "123456"]);

function tokenCheck(settings: ResolvedGatewaySettings | null, env: Record<string, string | undefined>): Finding {
  if (!settings) return { id: "token", status: "info", message: "auth settings could not be resolved" };
  const mode = settings.authMode ?? "token";
  if (mode === "none") {
    if (settings.bind !== "loopback") return { id: "token", status: "fail", message: `gateway.auth.mode=none with bind=${settings.bind}: anyone on the network can drive the gateway`, fix: "set gateway.auth.token, or bind=loopback" };
    return { id: "token", status: "warn", message: "gateway.auth.mode=none: any local process can drive the gateway", fix: "set gateway.auth.token" };
  }
  if (mode === "trusted-proxy") return { id: "token", status: "info", message: "auth via trusted proxy (no shared secret to check)" };
  const secret = mode === "password" ? settings.password : settings.token;
  const source = mode === "password" ? settings.passwordSource : settings.tokenSource;
  const hint = 'openclaw config set gateway.auth.token "$(openssl rand -hex 24)"';
  if (!secret) {
    return { id: "token", status: "warn", message: `no gateway ${mode} configured; the gateway makes up a one-run token at start, which clients cannot know`, fix: hint };
  }
  const problems: string[] = [];
  const minimum = mode === "password" ? 12 : 24;
  if (secret.length < minimum) problems.push(`${secret.length} characters (want at least ${minimum})`);
  if (new Set(secret).size < 8) problems.push("few distinct characters");
  if (WEAK_SECRETS.has(secret.toLowerCase())) problems.push("a well-known value");
  const envToken = env.OPENCLAW_GATEWAY_TOKEN;
  const notes = mode === "token" && envToken && source === "env" ? " (OPENCLAW_GATEWAY_TOKEN overrides gateway.auth.token)" : "";
  if (problems.length > 0) return { id: "token", status: "warn", message: `the gateway ${mode} from ${source} is weak: ${problems.join(", ")}${notes}`, fix: mode === "token" ? hint : "choose a longer password" };
  return { id: "token", status: "ok", message: `gateway ${mode} from ${source} is strong (${secret.length} characters)${notes}` };
}

/** The installed service (`service`) and, when it differs from what `gateway install --force` writes, `service-drift`. */
async function serviceChecks(input: DoctorInput): Promise<Finding[]> {
  const options = { profile: input.profile, env: input.env, timeoutMs: input.deadline.remaining() };
  const service = await readServiceView(options);
  const what = describeService(service);
  if (!service.installed) {
    if (service.error) return [{ id: "service", status: "info", message: `service status unavailable: ${service.error}` }];
    return [{ id: "service", status: "info", message: `not installed (${what}); \`openclaw gateway install\` runs the gateway under the supervisor` }];
  }
  const findings: Finding[] = [serviceStateFinding(service, what)];
  if (service.drift.length === 0) return findings;
  const external = service.repairPolicy === "external";
  const broken = service.drift.some((line) => /^(binary missing|entry missing|env file missing|definition: .* has no readable)/.test(line));
  findings.push({
    id: "service-drift",
    status: broken ? "fail" : "warn",
    message: `${what} differs from what this openclaw would install: ${service.drift.join("; ")}`,
    fix: external
      ? "the service is managed outside openclaw (OPENCLAW_SERVICE_REPAIR_POLICY=external): update it there; doctor leaves it alone"
      : `openclaw${input.dev ? " --dev" : input.profile ? ` --profile ${input.profile}` : ""} gateway install --force`,
    repair: external ? undefined : () => rewriteService(input, what),
  });
  return findings;
}

function serviceStateFinding(service: ServiceView, what: string): Finding {
  const runs = service.execStart ? `; runs ${service.execStart}` : "";
  const runtime = describeRuntime(service.runtime);
  if (service.runtime.status === "running") return { id: "service", status: "ok", message: `${what} is ${runtime}${runs}` };
  if (service.runtime.status === "stopped") return { id: "service", status: "warn", message: `${what} is installed but ${runtime}${runs}`, fix: "openclaw gateway start" };
  return { id: "service", status: "warn", message: `${what} is installed, but the supervisor could not be asked${service.error ? `: ${service.error}` : ""}` };
}

/** `--fix`: rewrites the service as `gateway install --force` does (the supervisor restarts it), then re-checks. */
async function rewriteService(input: DoctorInput, what: string): Promise<string> {
  const { installService } = await import("../../service/lifecycle.ts");
  // No readiness wait: doctor reports what it changed; `gateway status` shows the restarted gateway.
  const report = await installService({ profile: input.profile, env: input.env, dev: input.dev, force: true, readyTimeoutMs: 0 });
  const after = await readServiceView({ profile: input.profile, env: input.env, timeoutMs: input.deadline.remaining() });
  const left = after.drift.length > 0 ? `; still differs: ${after.drift.join("; ")}` : "";
  return `rewrote ${what} (${report.definitionPath}; ExecStart ${report.execStart ?? "unknown"})${left}`;
}

function logDirCheck(file: string): Finding {
  const dir = dirname(file);
  if (modeOf(dir) === null) {
    return {
      id: "log-dir",
      status: "warn",
      message: `log directory ${dir} does not exist (the gateway creates it on first write)`,
      fix: `mkdir -p -m 700 ${dir}`,
      repair: () => {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        return `created ${dir} (0700)`;
      },
    };
  }
  try {
    accessSync(dir, constants.W_OK);
    return { id: "log-dir", status: "ok", message: `log directory ${dir} is writable (file ${file})` };
  } catch {
    return { id: "log-dir", status: "fail", message: `log directory ${dir} is not writable: the gateway cannot keep its file log`, fix: `fix the owner/permissions of ${dir}, or set logging.file` };
  }
}

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return null;
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}
