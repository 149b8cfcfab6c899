import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { planInstall } from "./_install-check.ts";
import { renderEnvFile, serviceEnvPath } from "./env-file.ts";
import { FileTransaction, readText } from "./files.ts";
import { serviceIdentity } from "./identity.ts";
import { failureText, formatArgv } from "./runner.ts";
import { parseSystemdUnit, renderSystemdUnit } from "./systemd-unit.ts";
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

/** systemd: a user unit (`systemctl --user`) by default, a system unit with `--system`. */
export function createSystemdManager(ctx: ServiceContext): ServiceManager {
  const unit = serviceIdentity(ctx.paths.profile).systemdUnit;
  const dir = ctx.system ? ctx.roots.systemdSystemDir : ctx.roots.systemdUserDir;
  const unitPath = join(dir, unit);
  const scope = ctx.system ? [] : ["--user"];
  const what = `The systemd ${ctx.system ? "system" : "user"} unit ${unit}`;

  const call = (args: string[]) => ctx.run(["systemctl", ...scope, ...args]);
  /** Runs systemctl and throws a ServiceError naming the command when it fails. */
  const must = async (args: string[]) => {
    const result = await call(args);
    if (result.code !== 0) throw systemctlError(["systemctl", ...scope, ...args], result, ctx.system);
    return result;
  };
  const read = (): InstalledDefinition | undefined => {
    const text = readText(unitPath);
    return text === undefined ? undefined : parseSystemdUnit(unitPath, text);
  };
  const show = async (): Promise<Record<string, string>> => {
    const result = await must(["show", "--property=ActiveState,SubState,MainPID,UnitFileState", unit]);
    return Object.fromEntries(
      result.stdout.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()]),
    );
  };
  const mainPid = async (): Promise<number | undefined> => {
    const result = await must(["show", "--property=MainPID", "--value", unit]);
    const pid = Number(result.stdout.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  };
  const isActive = async () => (await call(["is-active", unit])).stdout.trim() === "active";
  const notInstalled = () =>
    new ServiceError("not-installed", `${what} is not installed (${unitPath})`, "Install it with `openclaw gateway install`.");

  const manager: ServiceManager = {
    kind: "systemd",
    name: unit,
    definitionPath: unitPath,
    render: (spec) => renderSystemdUnit(spec, { system: ctx.system, user: ctx.user }),
    read,

    async install(spec: ServiceSpec, { force }) {
      if (!ctx.system) assertNoSystemUnit(ctx, unit, spec.port);
      const definition = manager.render(spec);
      const envText = renderEnvFile(spec.secrets);
      const plan = planInstall({ definitionPath: unitPath, definition, envFile: spec.envFile, envText, force, what });
      if (plan === "unchanged") return { result: "unchanged", hints: [], warnings: [], expectRunning: await isActive() };
      const wasActive = plan === "replace" ? await isActive() : false;
      const tx = new FileTransaction();
      let enabled = false;
      let reloaded = false;
      try {
        tx.write(spec.envFile, envText, 0o600);
        tx.write(unitPath, definition, 0o644);
        reloaded = true;
        await must(["daemon-reload"]);
        if (wasActive) {
          await must(["enable", unit]);
          await must(["restart", unit]);
        } else {
          enabled = true;
          await must(["enable", "--now", unit]);
        }
      } catch (error) {
        tx.rollback();
        // Undo the registration too, so a refused install leaves the supervisor as it found it.
        if (enabled && plan === "fresh") await call(["disable", unit]);
        if (reloaded) await call(["daemon-reload"]); // forget the unit we just took away again
        throw error;
      }
      const hints = ctx.system ? [] : await lingerHints(ctx);
      return { result: plan === "fresh" ? "installed" : "reinstalled", hints, warnings: [], expectRunning: true };
    },

    async uninstall() {
      if (!existsSync(unitPath)) {
        new FileTransaction().remove(serviceEnvPath(ctx.paths.stateDir)); // a leftover of a half-removed install
        return { result: "not-installed", hints: [], warnings: [] };
      }
      const pid = await mainPid();
      await must(["disable", "--now", unit]);
      await waitForExit(ctx, pid, what);
      new FileTransaction().remove(unitPath);
      // Only our own env file: a hand-edited unit may point EnvironmentFile= at a file we did not write.
      new FileTransaction().remove(serviceEnvPath(ctx.paths.stateDir));
      const reload = await call(["daemon-reload"]);
      const warnings = reload.code === 0 ? [] : [`systemctl daemon-reload failed after removing the unit: ${failureText(reload)}`];
      return { result: "uninstalled", pid, hints: [], warnings };
    },

    async start() {
      if (!existsSync(unitPath)) throw notInstalled();
      if (await isActive()) return { result: "already-running", pid: await mainPid(), hints: [], warnings: [], expectRunning: true };
      // `enable --now` also undoes a `stop --disable`.
      await must(["enable", "--now", unit]);
      return { result: "started", hints: [], warnings: [], expectRunning: true };
    },

    async stop({ disable }) {
      if (!existsSync(unitPath)) return { result: "not-installed", hints: [], warnings: [] };
      const pid = await mainPid();
      await must(["stop", unit]); // synchronous: returns when the stop job finished
      await waitForExit(ctx, pid, what);
      if (disable) await must(["disable", unit]);
      return { result: disable ? "stopped-and-disabled" : "stopped", pid, hints: [], warnings: [] };
    },

    async restart() {
      if (!existsSync(unitPath)) throw notInstalled();
      await must(["restart", unit]);
      return { result: "restarted", hints: [], warnings: [], expectRunning: true };
    },

    async status(): Promise<SupervisorState> {
      if (!existsSync(unitPath)) return { installed: false, runtime: "not installed" };
      try {
        const props = await show();
        const pid = Number(props.MainPID);
        const active = props.ActiveState === "active" || (props.ActiveState === "activating" && props.SubState !== "auto-restart");
        return {
          installed: true,
          runtime: active ? "running" : "stopped",
          pid: pid > 0 ? pid : undefined,
          detail: `${props.ActiveState ?? "?"}/${props.SubState ?? "?"}${props.UnitFileState ? ` (${props.UnitFileState})` : ""}`,
        };
      } catch (error) {
        return { installed: true, runtime: "unknown", error: (error as Error).message };
      }
    },
  };
  return manager;
}

/** Maps a failed systemctl call to a clear error: missing/unreachable systemd vs. a refused request. */
function systemctlError(argv: string[], result: RunResult, system: boolean): ServiceError {
  if (result.notFound) {
    return new ServiceError("supervisor-unavailable", "systemctl was not found: this system does not run systemd", "Run the gateway in the foreground (`openclaw gateway run`) or under your own supervisor.");
  }
  const text = failureText(result);
  if (/failed to connect to bus|no medium found|not been booted with systemd|system has not been booted/i.test(text)) {
    return new ServiceError(
      "supervisor-unavailable",
      `${formatArgv(argv)} could not reach the systemd ${system ? "system" : "user"} manager: ${text}`,
      system ? "Run it as root on a host booted with systemd." : "Log in through a session that starts `systemd --user` (or enable linger), or use `--system`.",
    );
  }
  return new ServiceError("supervisor-refused", `${formatArgv(argv)} failed: ${text}`, "Inspect the unit with `systemctl --user status` / `journalctl --user -u <unit>`.");
}

/** Refuses a user unit when a system unit already runs the same profile or port (two supervisors, one port). */
function assertNoSystemUnit(ctx: ServiceContext, unit: string, port: number): void {
  const dir = ctx.roots.systemdSystemDir;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".service"));
  } catch {
    return;
  }
  for (const name of names) {
    const text = readText(join(dir, name));
    if (text === undefined || !/openclaw/i.test(text)) continue;
    const def = parseSystemdUnit(join(dir, name), text);
    const samePort = def.port === port && def.program.includes("gateway");
    if (name === unit || samePort) {
      throw new ServiceError(
        "conflict",
        `A system-level unit already runs this gateway (${def.path}${samePort ? `, port ${port}` : ""}); a user unit would start a second one`,
        "Manage it with `sudo systemctl …`, or remove it first. Set OPENCLAW_SERVICE_REPAIR_POLICY=external so `openclaw doctor --fix` leaves it alone.",
      );
    }
  }
}

/** The `loginctl enable-linger` hint when the user's services would stop at logout. */
async function lingerHints(ctx: ServiceContext): Promise<string[]> {
  const result = await ctx.run(["loginctl", "show-user", ctx.user, "--property=Linger", "--value"]);
  if (result.code !== 0 || result.stdout.trim() !== "no") return [];
  return [`Linger is off for ${ctx.user}: the gateway stops when you log out. Keep it running with \`sudo loginctl enable-linger ${ctx.user}\`.`];
}
