import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { planInstall } from "./_install-check.ts";
import { renderEnvFile, serviceEnvPath } from "./env-file.ts";
import { FileTransaction, readText } from "./files.ts";
import { assertServiceProfile, serviceIdentity } from "./identity.ts";
import { parsePlist, renderPlist, type PlistValue } from "./plist.ts";
import { failureText, formatArgv } from "./runner.ts";
import { portOf } from "./systemd-unit.ts";
import {
  ServiceError,
  type InstalledDefinition,
  type RunResult,
  type ServiceContext,
  type ServiceManager,
  type ServiceSpec,
  type SupervisorState,
} from "./types.ts";
import { waitForExit } from "./wait.ts";

/** Seconds launchd waits between respawns after a crash (its default of 10, stated so the golden file shows it). */
export const THROTTLE_INTERVAL = 10;

/** Where the job is loaded, as `launchctl print` reports it. */
interface Loaded {
  domain: string;
  state?: string;
  pid?: number;
}

/** The LaunchAgent plist for a spec: no secrets, KeepAlive only after a failed exit. */
export function renderLaunchdPlist(label: string, spec: ServiceSpec): string {
  const env: Record<string, string> = { ...spec.env, OPENCLAW_SERVICE_ENV_FILE: spec.envFile, OPENCLAW_SUPERVISOR: "launchd" };
  const sortedEnv = Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]!]));
  return renderPlist({
    Label: label,
    ProgramArguments: spec.program,
    RunAtLoad: true,
    // Exit 0 means "do not retry" (bad config, port already served): only a failed exit respawns (#89867).
    KeepAlive: { SuccessfulExit: false },
    ThrottleInterval: THROTTLE_INTERVAL,
    WorkingDirectory: spec.workingDirectory,
    EnvironmentVariables: sortedEnv,
    StandardOutPath: join(spec.logsDir, "gateway.stdout.log"),
    StandardErrorPath: join(spec.logsDir, "gateway.stderr.log"),
  });
}

/** Reads back ProgramArguments and EnvironmentVariables of an installed plist. */
export function parseLaunchdPlist(path: string, text: string): InstalledDefinition {
  let dict: Record<string, PlistValue> = {};
  try {
    const parsed = parsePlist(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) dict = parsed;
  } catch {
    // An unreadable plist reads as one without a program; status reports it as drift.
  }
  const program = Array.isArray(dict.ProgramArguments) ? dict.ProgramArguments.map(String) : [];
  const rawEnv = dict.EnvironmentVariables;
  const env: Record<string, string> =
    rawEnv && typeof rawEnv === "object" && !Array.isArray(rawEnv) ? Object.fromEntries(Object.entries(rawEnv).map(([k, v]) => [k, String(v)])) : {};
  return { path, text, program, execStart: program.join(" "), port: portOf(program), env, envFile: env.OPENCLAW_SERVICE_ENV_FILE };
}

/** launchd: a LaunchAgent, acted on in the domain where it is actually loaded. */
export function createLaunchdManager(ctx: ServiceContext): ServiceManager {
  const label = serviceIdentity(ctx.paths.profile).launchdLabel;
  const plistPath = join(ctx.roots.launchAgentsDir, `${label}.plist`);
  const guiDomain = `gui/${ctx.uid}`;
  const what = `The LaunchAgent ${label}`;

  const call = (args: string[]) => ctx.run(["launchctl", ...args]);
  const must = async (args: string[]) => {
    const result = await call(args);
    if (result.code !== 0) throw launchctlError(["launchctl", ...args], result, ctx);
    return result;
  };

  /** `launchctl print` in each candidate domain: over SSH the job may live in gui/ while we are in user/ (#98418). */
  const findLoaded = async (): Promise<Loaded | undefined> => {
    for (const domain of [guiDomain, `user/${ctx.uid}`]) {
      const result = await call(["print", `${domain}/${label}`]);
      if (result.notFound) throw launchctlError(["launchctl", "print"], result, ctx);
      if (result.code !== 0) continue;
      const state = /^\s*state = (.+)$/m.exec(result.stdout)?.[1]?.trim();
      const pid = Number(/^\s*pid = (\d+)/m.exec(result.stdout)?.[1]);
      return { domain, state, pid: pid > 0 ? pid : undefined };
    }
    return undefined;
  };
  /** Clears a persisted `stop --disable` before bootstrapping, so RunAtLoad/KeepAlive work again. */
  const ensureEnabled = async (domain: string) => {
    const result = await call(["print-disabled", domain]);
    const escaped = label.replaceAll(".", "\\.");
    if (result.code === 0 && new RegExp(`"${escaped}"\\s*=>\\s*(disabled|true)`).test(result.stdout)) {
      await must(["enable", `${domain}/${label}`]);
    }
  };
  const read = (): InstalledDefinition | undefined => {
    const text = readText(plistPath);
    return text === undefined ? undefined : parseLaunchdPlist(plistPath, text);
  };
  const bootout = async (loaded: Loaded) => {
    await must(["bootout", `${loaded.domain}/${label}`]);
    await waitForExit(ctx, loaded.pid, what);
  };
  const notInstalled = () => new ServiceError("not-installed", `${what} is not installed (${plistPath})`, "Install it with `openclaw gateway install`.");

  const manager: ServiceManager = {
    kind: "launchd",
    name: label,
    definitionPath: plistPath,
    render: (spec) => renderLaunchdPlist(label, spec),
    read,

    async install(spec, { force }) {
      assertServiceProfile(ctx.paths.profile, "launchd");
      const definition = manager.render(spec);
      const envText = renderEnvFile(spec.secrets);
      const plan = planInstall({ definitionPath: plistPath, definition, envFile: spec.envFile, envText, force, what });
      const loaded = await findLoaded();
      if (plan === "unchanged") return { result: "unchanged", hints: [], warnings: [], expectRunning: loaded?.state === "running" };
      const tx = new FileTransaction();
      let bootedOut = false;
      const domain = loaded?.domain ?? guiDomain;
      try {
        tx.write(spec.envFile, envText, 0o600);
        tx.write(plistPath, definition, 0o644);
        mkdirSync(spec.logsDir, { recursive: true, mode: 0o700 }); // launchd does not create log folders
        // A new plist only takes effect after the job is unloaded; this is a reinstall, not a restart.
        if (loaded) {
          await bootout(loaded);
          bootedOut = true;
        }
        await ensureEnabled(domain);
        await must(["bootstrap", domain, plistPath]);
      } catch (error) {
        tx.rollback();
        if (bootedOut) await call(["bootstrap", domain, plistPath]); // put the previous job back
        throw error;
      }
      return { result: plan === "fresh" ? "installed" : "reinstalled", hints: [], warnings: [], expectRunning: true };
    },

    async uninstall() {
      const loaded = await findLoaded();
      const tx = new FileTransaction();
      if (!existsSync(plistPath) && !loaded) {
        tx.remove(serviceEnvPath(ctx.paths.stateDir));
        return { result: "not-installed", hints: [], warnings: [] };
      }
      if (loaded) await bootout(loaded);
      tx.remove(plistPath);
      tx.remove(serviceEnvPath(ctx.paths.stateDir));
      return { result: "uninstalled", pid: loaded?.pid, hints: [], warnings: [] };
    },

    async start() {
      if (!existsSync(plistPath)) throw notInstalled();
      const loaded = await findLoaded();
      if (loaded?.state === "running") return { result: "already-running", pid: loaded.pid, hints: [], warnings: [], expectRunning: true };
      if (loaded) await must(["kickstart", `${loaded.domain}/${label}`]);
      else {
        await ensureEnabled(guiDomain);
        await must(["bootstrap", guiDomain, plistPath]);
      }
      return { result: "started", hints: [], warnings: [], expectRunning: true };
    },

    async stop({ disable }) {
      const loaded = await findLoaded();
      if (!loaded) {
        if (!existsSync(plistPath)) return { result: "not-installed", hints: [], warnings: [] };
        if (disable) await must(["disable", `${guiDomain}/${label}`]);
        return { result: disable ? "already-stopped-and-disabled" : "already-stopped", hints: [], warnings: [] };
      }
      // Plain stop is bootout only: no persisted disable, so KeepAlive recovery keeps working later.
      if (disable) await must(["disable", `${loaded.domain}/${label}`]);
      await bootout(loaded);
      return { result: disable ? "stopped-and-disabled" : "stopped", pid: loaded.pid, hints: [], warnings: [] };
    },

    async restart() {
      if (!existsSync(plistPath)) throw notInstalled();
      const loaded = await findLoaded();
      if (!loaded) {
        // Installed but unloaded: loading it is the recovery; nothing runs that could race.
        await ensureEnabled(guiDomain);
        await must(["bootstrap", guiDomain, plistPath]);
        return { result: "started", hints: [], warnings: [], expectRunning: true };
      }
      await must(["kickstart", "-k", `${loaded.domain}/${label}`]);
      // Wait for the old process to go, so the readiness probe cannot be answered by it.
      await waitForExit(ctx, loaded.pid, what);
      return { result: "restarted", pid: loaded.pid, hints: [], warnings: [], expectRunning: true };
    },

    async status(): Promise<SupervisorState> {
      const installed = existsSync(plistPath);
      try {
        const loaded = await findLoaded();
        if (!loaded) return { installed, runtime: installed ? "stopped" : "not installed", detail: installed ? "not loaded" : undefined };
        return {
          installed: true,
          runtime: loaded.state === "running" ? "running" : "stopped",
          pid: loaded.pid,
          detail: `state = ${loaded.state ?? "?"}`,
          domain: loaded.domain,
        };
      } catch (error) {
        return { installed, runtime: installed ? "unknown" : "not installed", error: (error as Error).message };
      }
    },
  };
  return manager;
}

function launchctlError(argv: string[], result: RunResult, ctx: ServiceContext): ServiceError {
  if (result.notFound) {
    return new ServiceError("supervisor-unavailable", "launchctl was not found: LaunchAgents need macOS", "Run the gateway in the foreground (`openclaw gateway run`).");
  }
  return new ServiceError(
    "supervisor-refused",
    `${formatArgv(argv)} failed: ${failureText(result)}`,
    `Check the plist with \`plutil -lint\` and the logs in ${join(ctx.paths.stateDir, "logs")}.`,
  );
}
