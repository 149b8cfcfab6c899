import { join } from "node:path";
import { loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { resolveGatewaySettings } from "../config/resolve.ts";
import { VERSION } from "../version.ts";
import { readEnvFile, serviceEnvPath } from "./env-file.ts";
import { namedProfile } from "./identity.ts";
import { gatewayArgs, resolveProgram } from "./program.ts";
import type { ServiceContext, ServiceSpec } from "./types.ts";

export interface SpecInputs {
  /** `--port`; else OPENCLAW_GATEWAY_PORT, gateway.port, the profile's base port. */
  port?: string | number;
  /** `--token` / `--password`: go to the env file only. */
  token?: string;
  password?: string;
  /** `auto` | `binary` | `bun`. */
  runtime?: string;
  /** The executable part of the command, instead of the running one (tests, doctor). */
  command?: string[];
  /** `--dev` rather than `--profile dev`. */
  dev?: boolean;
  unattended?: boolean;
  version?: string;
  /** An already loaded config (doctor, status). */
  snapshot?: ConfigSnapshot;
}

export interface BuiltSpec {
  spec: ServiceSpec;
  warnings: string[];
  snapshot: ConfigSnapshot;
}

/** Variables the definition carries so the service sees the same state dir and config as the installer. */
const PASSED_THROUGH = ["OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH"] as const;

/**
 * What `install` writes: the program line from the running binary and the resolved port (flag → env →
 * config → default), and the env file's secrets (the existing file's values, overridden by this install's inputs).
 */
export function buildServiceSpec(ctx: ServiceContext, inputs: SpecInputs = {}): BuiltSpec {
  const snapshot = inputs.snapshot ?? loadConfig(ctx.paths, ctx.env);
  const settings = resolveGatewaySettings(snapshot, { port: inputs.port }, ctx.env);
  const warnings: string[] = [];
  if (snapshot.config.gateway?.mode !== "local" && !inputs.dev) {
    warnings.push(`gateway.mode is not "local" in ${ctx.paths.configPath}, so the service's gateway will refuse to start; run \`openclaw config set gateway.mode local\`.`);
  }
  let command = inputs.command;
  if (!command) {
    const choice = resolveProgram({ runtime: inputs.runtime, env: ctx.env });
    command = choice.command;
    warnings.push(...choice.warnings);
  }
  const profile = namedProfile(ctx.paths.profile);
  const envFile = serviceEnvPath(ctx.paths.stateDir);
  const secrets: Record<string, string> = { ...readEnvFile(envFile) };
  if (ctx.env.OPENCLAW_GATEWAY_TOKEN) secrets.OPENCLAW_GATEWAY_TOKEN = ctx.env.OPENCLAW_GATEWAY_TOKEN;
  if (ctx.env.OPENCLAW_GATEWAY_PASSWORD) secrets.OPENCLAW_GATEWAY_PASSWORD = ctx.env.OPENCLAW_GATEWAY_PASSWORD;
  if (inputs.token) secrets.OPENCLAW_GATEWAY_TOKEN = inputs.token;
  if (inputs.password) secrets.OPENCLAW_GATEWAY_PASSWORD = inputs.password;
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) if (ctx.env[key]) env[key] = ctx.env[key]!;
  return {
    spec: {
      profile,
      version: inputs.version ?? VERSION,
      program: [...command, ...gatewayArgs(settings.port, profile, Boolean(inputs.dev))],
      port: settings.port,
      stateDir: ctx.paths.stateDir,
      envFile,
      logsDir: join(ctx.paths.stateDir, "logs"),
      workingDirectory: ctx.paths.stateDir,
      env,
      secrets,
      unattended: inputs.unattended,
    },
    warnings,
    snapshot,
  };
}
