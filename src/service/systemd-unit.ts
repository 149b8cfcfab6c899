import type { InstalledDefinition, ServiceSpec } from "./types.ts";

/** Escapes systemd specifiers (`%`) and variable expansion (`$`) in one ExecStart argument, quoting when needed. */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (arg !== "" && /^[A-Za-z0-9_@+=:,./~%$-]+$/.test(arg)) return escaped;
  return `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** One `Environment=` assignment, quoted when the value has spaces or quotes. */
function quoteEnv(key: string, value: string): string {
  const pair = `${key}=${value}`.replaceAll("%", "%%");
  return /^[A-Za-z0-9_@+=:,./~%-]+$/.test(pair) ? pair : `"${pair.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Paths in other directives only need specifier escaping. */
const path = (p: string) => p.replaceAll("%", "%%");

export interface UnitOptions {
  system: boolean;
  /** `User=` for a system unit. */
  user?: string;
}

/** The unit file text for a spec (seed content plus the restart-loop guard from the field lessons). */
export function renderSystemdUnit(spec: ServiceSpec, opts: UnitOptions): string {
  // The marker makes start-up refusals exit 78, which RestartPreventExitStatus below stops retrying.
  const vars: Record<string, string> = { ...spec.env, OPENCLAW_SUPERVISOR: "systemd" };
  const env = Object.keys(vars)
    .sort()
    .map((key) => `Environment=${quoteEnv(key, vars[key]!)}`);
  return [
    "# Written by `openclaw gateway install`; rewrite it with `openclaw gateway install --force`.",
    "# Secrets live in the EnvironmentFile (mode 0600), never here.",
    "[Unit]",
    `Description=OpenClaw Gateway (profile: ${spec.profile ?? "default"}, v${spec.version})`,
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${spec.program.map(quoteExecArg).join(" ")}`,
    ...(opts.system && opts.user ? [`User=${opts.user}`] : []),
    `WorkingDirectory=${path(spec.workingDirectory)}`,
    ...env,
    `EnvironmentFile=${path(spec.envFile)}`,
    "Restart=always",
    "RestartSec=5",
    "# Exit 78 (EX_CONFIG) means invalid config or the port is already served: retrying cannot help.",
    "RestartPreventExitStatus=78",
    "SuccessExitStatus=0 143",
    "TimeoutStartSec=30",
    "TimeoutStopSec=30",
    "KillMode=control-group",
    "",
    "[Install]",
    `WantedBy=${opts.system ? "multi-user.target" : "default.target"}`,
    "",
  ].join("\n");
}

/** Splits a systemd command line into argv (double/single quotes, backslash escapes, `%%` and `$$`). */
export function splitExecLine(line: string): string[] {
  const args: string[] = [];
  let current = "";
  let quote: string | null = null;
  let started = false;
  const body = line.replace(/^[-@:+!]+/, "");
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quote) {
      if (c === "\\" && i + 1 < body.length) current += body[++i];
      else if (c === quote) quote = null;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += c === "\\" && i + 1 < body.length ? body[++i] : c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args.map((a) => a.replaceAll("%%", "%").replaceAll("$$", "$"));
}

/** Reads back ExecStart, Environment= and EnvironmentFile= of a unit (ours or a hand-written one). */
export function parseSystemdUnit(unitPath: string, text: string): InstalledDefinition {
  let program: string[] = [];
  let execStart = "";
  let envFile: string | undefined;
  const env: Record<string, string> = Object.create(null);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#") || line.startsWith(";")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === "ExecStart" && value !== "") {
      program = splitExecLine(value);
      execStart = program.join(" ");
    } else if (key === "Environment") {
      for (const pair of splitExecLine(value)) {
        const i = pair.indexOf("=");
        if (i > 0) env[pair.slice(0, i)] = pair.slice(i + 1);
      }
    } else if (key === "EnvironmentFile") envFile = value.replace(/^-/, "").replaceAll("%%", "%");
  }
  return { path: unitPath, text, program, execStart, port: portOf(program), env, envFile };
}

/** The `--port N` of a gateway command line. */
export function portOf(program: string[]): number | undefined {
  for (let i = 0; i < program.length; i++) {
    const arg = program[i]!;
    const value = arg === "--port" ? program[i + 1] : arg.startsWith("--port=") ? arg.slice(7) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}
