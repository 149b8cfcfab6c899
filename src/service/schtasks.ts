import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { planInstall } from "./_install-check.ts";
import { renderEnvFile, serviceEnvPath } from "./env-file.ts";
import { FileTransaction, readText } from "./files.ts";
import { assertServiceProfile, serviceIdentity } from "./identity.ts";
import { failureText, formatArgv } from "./runner.ts";
import { decodeTaskFile, encodeUtf16, parseTaskXml, quoteWindowsArg, renderTaskXml, splitWindowsCommandLine } from "./schtasks-xml.ts";
import { portOf } from "./systemd-unit.ts";
import {
  ServiceError,
  type ActionOutcome,
  type InstalledDefinition,
  type RunResult,
  type ServiceContext,
  type ServiceManager,
  type ServiceSpec,
  type SupervisorState,
} from "./types.ts";
import { waitForExit } from "./wait.ts";

/** `schtasks /Query /FO LIST /V` as key → value (first task only). */
export function parseTaskQuery(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const line of text.split(/\r?\n/)) {
    const m = /^([^:]+?):\s+(.*)$/.exec(line.trim());
    if (m && !(m[1]! in out)) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

/** The Startup-folder launcher used when Task Scheduler refuses the task: it reads the env file itself. */
export function renderStartupLauncher(spec: ServiceSpec): string {
  const [command, ...args] = spec.program;
  return [
    "@echo off",
    "rem OpenClaw Gateway launcher, written by `openclaw gateway install` because Task Scheduler refused the task.",
    "rem Secrets stay in the env file; this launcher only reads it.",
    `for /f "usebackq eol=# tokens=1,* delims==" %%A in ("${spec.envFile}") do set "%%A=%%B"`,
    `cd /d "${spec.workingDirectory}"`,
    [quoteWindowsArg(command ?? ""), ...args.map(quoteWindowsArg)].join(" ").replaceAll("%", "%%"),
    "",
  ].join("\r\n");
}

/** Task Scheduler, with the per-user Startup folder as the fallback when task creation is refused. */
export function createSchtasksManager(ctx: ServiceContext): ServiceManager {
  const task = serviceIdentity(ctx.paths.profile).taskName;
  const xmlPath = join(ctx.paths.stateDir, "gateway-task.xml");
  const launcherPath = join(ctx.paths.stateDir, "gateway.cmd");
  const startupPath = join(ctx.roots.startupDir, `${task}.cmd`);
  const what = `The scheduled task "${task}"`;
  const userId = ctx.env.USERDOMAIN ? `${ctx.env.USERDOMAIN}\\${ctx.user}` : ctx.user;

  const call = (args: string[]) => ctx.run(["schtasks", ...args]);
  const must = async (args: string[]) => {
    const result = await call(args);
    if (result.code !== 0) throw schtasksError(["schtasks", ...args], result);
    return result;
  };
  /** The task's query fields, or undefined when no such task exists. */
  const query = async (): Promise<Record<string, string> | undefined> => {
    const result = await call(["/Query", "/TN", task, "/FO", "LIST", "/V"]);
    if (result.notFound) throw schtasksError(["schtasks", "/Query"], result);
    if (result.code !== 0) {
      if (/cannot find|does not exist/i.test(result.stderr + result.stdout)) return undefined;
      throw schtasksError(["schtasks", "/Query", "/TN", task], result);
    }
    return parseTaskQuery(result.stdout);
  };
  const running = (q: Record<string, string> | undefined) => q?.Status === "Running";
  /** The gateway's own PID from its state lock (Task Scheduler does not report one). */
  const lockPid = (): number | undefined => {
    try {
      const pid = Number(JSON.parse(readFileSync(join(ctx.paths.stateDir, "gateway.lock"), "utf8")).pid);
      return pid > 0 && ctx.isAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const endTask = async () => {
    const pid = lockPid();
    await must(["/End", "/TN", task]);
    await waitForExit(ctx, pid, what);
    return pid;
  };
  const killLauncher = async () => {
    const pid = lockPid();
    if (pid === undefined) return undefined;
    await ctx.run(["taskkill", "/PID", String(pid), "/T", "/F"]);
    await waitForExit(ctx, pid, "The Startup-folder gateway");
    return pid;
  };
  const runLauncher = () => ctx.run(["cmd.exe", "/d", "/c", "start", '"OpenClaw Gateway"', "/min", launcherPath]);
  const read = (): InstalledDefinition | undefined => {
    if (existsSync(xmlPath)) {
      const text = decodeTaskFile(readFileSync(xmlPath));
      const program = parseTaskXml(text);
      return { path: xmlPath, text, program, execStart: program.join(" "), port: portOf(program), env: {}, envFile: serviceEnvPath(ctx.paths.stateDir) };
    }
    const text = readText(launcherPath);
    if (text === undefined) return undefined;
    const line = text.split(/\r?\n/).filter((l) => l && !/^(@echo|rem |for |cd )/i.test(l)).pop() ?? "";
    const program = splitWindowsCommandLine(line.replaceAll("%%", "%"));
    return { path: launcherPath, text, program, execStart: program.join(" "), port: portOf(program), env: {}, envFile: serviceEnvPath(ctx.paths.stateDir) };
  };
  const notInstalled = () => new ServiceError("not-installed", `${what} is not installed`, "Install it with `openclaw gateway install`.");

  const manager: ServiceManager = {
    kind: "schtasks",
    name: task,
    definitionPath: xmlPath,
    render: (spec) => renderTaskXml(spec, { taskName: task, userId }),
    read,

    async install(spec, { force }) {
      assertServiceProfile(ctx.paths.profile, "schtasks");
      const definition = manager.render(spec);
      const envText = renderEnvFile(spec.secrets);
      // A Startup-folder install compares its launcher; a changed one reads as "different settings".
      const launcher = readText(launcherPath);
      const current = existsSync(xmlPath)
        ? decodeTaskFile(readFileSync(xmlPath))
        : launcher === undefined ? undefined : launcher === renderStartupLauncher(spec) ? definition : "(a Startup-folder launcher with other settings)";
      const plan = planInstall({ definitionPath: xmlPath, definition, envFile: spec.envFile, envText, force, what, current });
      if (plan === "unchanged") return { result: "unchanged", hints: [], warnings: [], expectRunning: running(await query()) || lockPid() !== undefined };
      const before = plan === "replace" ? await query() : undefined;
      const tx = new FileTransaction();
      let created = false;
      try {
        tx.write(spec.envFile, envText, 0o600);
        tx.write(xmlPath, encodeUtf16(definition), 0o644);
        if (running(before)) await endTask(); // a changed definition only applies to a new process
        const create = await call(["/Create", "/TN", task, "/XML", xmlPath, "/F"]);
        if (create.code !== 0) {
          if (!/access is denied|denied/i.test(failureText(create))) throw schtasksError(["schtasks", "/Create", "/TN", task], create);
          return await fallback(spec, tx, failureText(create));
        }
        created = true;
        // A reinstall over an old Startup-folder launcher retires it, so only one thing starts the gateway.
        tx.remove(startupPath);
        tx.remove(launcherPath);
        await must(["/Run", "/TN", task]);
      } catch (error) {
        tx.rollback();
        if (created && !before) await call(["/Delete", "/TN", task, "/F"]);
        throw error;
      }
      return { result: plan === "fresh" ? "installed" : "reinstalled", hints: [], warnings: [], expectRunning: true };
    },

    async uninstall() {
      const q = await query();
      const tx = new FileTransaction();
      let pid: number | undefined;
      if (q) {
        if (running(q)) pid = await endTask();
        await must(["/Delete", "/TN", task, "/F"]);
      } else if (existsSync(startupPath) || existsSync(launcherPath)) pid = await killLauncher();
      const had = q !== undefined || [xmlPath, startupPath, launcherPath].some((p) => existsSync(p));
      for (const path of [xmlPath, startupPath, launcherPath, serviceEnvPath(ctx.paths.stateDir)]) tx.remove(path);
      return { result: had ? "uninstalled" : "not-installed", pid, hints: [], warnings: [] };
    },

    async start() {
      const q = await query();
      if (!q) {
        if (!existsSync(startupPath)) throw notInstalled();
        const pid = lockPid();
        if (pid !== undefined) return { result: "already-running", pid, hints: [], warnings: [], expectRunning: true };
        await runLauncher();
        return { result: "started", hints: [], warnings: [], expectRunning: true };
      }
      if (running(q)) return { result: "already-running", pid: lockPid(), hints: [], warnings: [], expectRunning: true };
      if (/disabled/i.test(q["Scheduled Task State"] ?? "") || q.Status === "Disabled") await must(["/Change", "/TN", task, "/ENABLE"]);
      await must(["/Run", "/TN", task]);
      return { result: "started", hints: [], warnings: [], expectRunning: true };
    },

    async stop({ disable }) {
      const q = await query();
      if (!q) {
        if (!existsSync(startupPath)) return { result: "not-installed", hints: [], warnings: [] };
        const pid = await killLauncher();
        const warnings = disable ? ["--disable has no effect on a Startup-folder launcher; run `openclaw gateway uninstall` to keep it from starting at logon."] : [];
        return { result: pid ? "stopped" : "already-stopped", pid, hints: [], warnings };
      }
      const pid = running(q) ? await endTask() : undefined;
      if (disable) await must(["/Change", "/TN", task, "/DISABLE"]);
      const result = running(q) ? "stopped" : "already-stopped";
      return { result: disable ? `${result}-and-disabled` : result, pid, hints: [], warnings: [] };
    },

    async restart() {
      const q = await query();
      if (!q) {
        if (!existsSync(startupPath)) throw notInstalled();
        await killLauncher();
        await runLauncher();
        return { result: "restarted", hints: [], warnings: [], expectRunning: true };
      }
      // Task Scheduler has no restart verb and never respawns an ended task, so /End then /Run cannot race a
      // supervisor the way launchd's KeepAlive did (#108293); /End returns once the process is gone.
      if (running(q)) await endTask();
      await must(["/Run", "/TN", task]);
      return { result: "restarted", hints: [], warnings: [], expectRunning: true };
    },

    async status(): Promise<SupervisorState> {
      try {
        const q = await query();
        if (!q) {
          if (!existsSync(startupPath)) return { installed: false, runtime: "not installed" };
          const pid = lockPid();
          return { installed: true, runtime: pid ? "running" : "stopped", pid, detail: "Startup-folder launcher" };
        }
        return {
          installed: true,
          runtime: running(q) ? "running" : "stopped",
          pid: lockPid(),
          detail: `Status: ${q.Status ?? "?"}${q["Scheduled Task State"] ? `, ${q["Scheduled Task State"]}` : ""}`,
        };
      } catch (error) {
        const installed = existsSync(xmlPath) || existsSync(startupPath);
        return { installed, runtime: installed ? "unknown" : "not installed", error: (error as Error).message };
      }
    },
  };

  /** Writes gateway.cmd and the Startup-folder entry, then starts it once (the Startup folder only runs at logon). */
  async function fallback(spec: ServiceSpec, tx: FileTransaction, reason: string): Promise<ActionOutcome> {
    tx.remove(xmlPath);
    tx.write(launcherPath, renderStartupLauncher(spec), 0o600);
    tx.write(startupPath, `@echo off\r\nstart "OpenClaw Gateway" /min "%SystemRoot%\\System32\\cmd.exe" /d /c "${launcherPath}"\r\n`, 0o600);
    const started = await runLauncher();
    if (started.code !== 0) throw schtasksError(["cmd.exe", "/c", "start", launcherPath], started);
    return {
      result: "installed-startup-folder",
      hints: [],
      warnings: [`Task Scheduler refused the task (${reason}); installed a Startup-folder launcher (${startupPath}) instead. It starts at logon in a minimized console window and is not restarted after a crash.`],
      expectRunning: true,
    };
  }
  return manager;
}

function schtasksError(argv: string[], result: RunResult): ServiceError {
  if (result.notFound) {
    return new ServiceError("supervisor-unavailable", `${argv[0]} was not found: scheduled tasks need Windows`, "Run the gateway in the foreground (`openclaw gateway run`).");
  }
  return new ServiceError("supervisor-refused", `${formatArgv(argv)} failed: ${failureText(result)}`, "Open Task Scheduler (taskschd.msc) to inspect the task.");
}
