import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ServiceError } from "./types.ts";

/** File name of the private service environment inside the state dir. */
export const SERVICE_ENV_FILE = "service.env";

/** Where a profile's service environment lives. */
export function serviceEnvPath(stateDir: string): string {
  return join(stateDir, SERVICE_ENV_FILE);
}

const BARE = /^[A-Za-z0-9_@%+=:,./~-]*$/;

/** `KEY=value` lines in the subset systemd's EnvironmentFile= and our own loader both read. */
export function renderEnvFile(vars: Record<string, string>): string {
  const lines = [
    "# OpenClaw Gateway service environment, written by `openclaw gateway install` (mode 0600).",
    "# It holds secrets: the service definition only points here. Edit, then `openclaw gateway restart`.",
  ];
  for (const key of Object.keys(vars).sort()) {
    const value = vars[key]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ServiceError("invalid", `Expected an environment variable name, got ${JSON.stringify(key)}`);
    if (/[\r\n\0]/.test(value)) throw new ServiceError("invalid", `The value of ${key} contains a line break, which an env file cannot hold`);
    lines.push(`${key}=${BARE.test(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`}`);
  }
  return lines.join("\n") + "\n";
}

/** Parses what renderEnvFile writes (plus single quotes and blank/comment lines). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = Object.create(null);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().replace(/^export\s+/, "");
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    vars[key] = value;
  }
  return vars;
}

/** Reads an env file, or an empty record when it does not exist or cannot be read. */
export function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnvFile(readFileSync(path, "utf8"));
  } catch {
    return Object.create(null);
  }
}

/**
 * For `gateway run`: loads the service env file (`OPENCLAW_SERVICE_ENV_FILE`, else `<stateDir>/service.env`)
 * into env without overriding what is already set. systemd has loaded it already (EnvironmentFile=);
 * launchd and Task Scheduler cannot read one, so the gateway does. Returns the keys it set.
 */
export function applyServiceEnvFile(env: Record<string, string | undefined>, stateDir: string): string[] {
  const path = env.OPENCLAW_SERVICE_ENV_FILE || serviceEnvPath(stateDir);
  if (!existsSync(path)) return [];
  const set: string[] = [];
  for (const [key, value] of Object.entries(readEnvFile(path))) {
    if (env[key] === undefined || env[key] === "") {
      env[key] = value;
      set.push(key);
    }
  }
  return set;
}
