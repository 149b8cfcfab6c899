import type { ProfilePaths } from "../config/paths.ts";

/** The supervisors we drive: systemd (Linux), launchd (macOS), Task Scheduler (Windows). */
export type ManagerKind = "systemd" | "launchd" | "schtasks";

/** What one supervisor command printed; `notFound` when the program is not on PATH. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  notFound?: boolean;
}

/** Runs one command (argv[0] looked up on the injected PATH); tests inject shims or a recorder. */
export type CommandRunner = (argv: string[], opts?: { timeoutMs?: number }) => Promise<RunResult>;

/** Directories a manager reads and writes; injected so tests never touch the real /etc or ~/Library. */
export interface ServiceRoots {
  systemdUserDir: string;
  systemdSystemDir: string;
  launchAgentsDir: string;
  /** Searched by `--deep` only. */
  launchDaemonsDir: string;
  globalLaunchAgentsDir: string;
  /** Windows per-user Startup folder (the fallback when Task Scheduler refuses). */
  startupDir: string;
}

/** Everything a manager needs besides the spec: injected so tests record calls and own the clock. */
export interface ServiceContext {
  paths: ProfilePaths;
  env: Record<string, string | undefined>;
  run: CommandRunner;
  homeDir: string;
  platform: NodeJS.Platform;
  uid: number;
  user: string;
  /** systemd only: a system unit in /etc/systemd/system instead of a user unit. */
  system: boolean;
  roots: ServiceRoots;
  sleep(ms: number): Promise<void>;
  isAlive(pid: number): boolean;
  /** How long `stop` waits for the process to exit after the supervisor's stop. */
  stopTimeoutMs: number;
}

/** What to install: the program line, its port and where its private environment lives. */
export interface ServiceSpec {
  profile: string | undefined;
  version: string;
  /** Full argv: the binary (or bun + main.ts), then `gateway --port N` and the profile flags. */
  program: string[];
  port: number;
  stateDir: string;
  /** `<stateDir>/service.env`, mode 0600: the only place secrets are written. */
  envFile: string;
  logsDir: string;
  workingDirectory: string;
  /** Non-secret variables the definition itself carries (supervisor marker, state-dir overrides). */
  env: Record<string, string>;
  /** Secrets (token, password): written to the env file only. */
  secrets: Record<string, string>;
  /** Windows: start at boot without a logon (S4U), for unattended servers. */
  unattended?: boolean;
}

/** Runtime as the supervisor reports it; `unknown` when the supervisor cannot be asked. */
export type Runtime = "running" | "stopped" | "not installed" | "unknown";

/** The supervisor's view of the job. */
export interface SupervisorState {
  installed: boolean;
  runtime: Runtime;
  pid?: number;
  /** Raw state words, e.g. `active/running`, `state = running`, `Status: Ready`. */
  detail?: string;
  /** launchd: the domain the job is loaded in (`gui/501`). */
  domain?: string;
  error?: string;
}

/** The definition as found on disk, parsed back. */
export interface InstalledDefinition {
  path: string;
  text: string;
  /** The program argv it runs. */
  program: string[];
  /** The command line as one string, for display. */
  execStart: string;
  port?: number;
  env: Record<string, string>;
  envFile?: string;
}

/** What a lifecycle action did, in words a script can switch on. */
export interface ActionOutcome {
  result: string;
  pid?: number;
  hints: string[];
  warnings: string[];
  /** The runtime a later readiness wait should expect (`running` after start). */
  expectRunning?: boolean;
}

/** One supervisor behind the small interface every command uses. */
export interface ServiceManager {
  readonly kind: ManagerKind;
  /** Unit name, launchd label or task name. */
  readonly name: string;
  /** Where the definition (unit, plist, task XML or Startup launcher) lives. */
  readonly definitionPath: string;
  /** The definition text for a spec (golden-tested). */
  render(spec: ServiceSpec): string;
  /** The installed definition, or undefined. */
  read(): InstalledDefinition | undefined;
  install(spec: ServiceSpec, opts: { force: boolean }): Promise<ActionOutcome>;
  uninstall(): Promise<ActionOutcome>;
  start(): Promise<ActionOutcome>;
  stop(opts: { disable: boolean }): Promise<ActionOutcome>;
  restart(): Promise<ActionOutcome>;
  status(): Promise<SupervisorState>;
}

/** Codes a script can switch on; the message and hint are for people. */
export type ServiceErrorCode =
  | "not-installed"
  | "already-installed"
  | "conflict"
  | "supervisor-refused"
  | "supervisor-unavailable"
  | "stop-timeout"
  | "unsupported"
  | "write-failed"
  | "invalid";

/** The service layer's one error class; the CLI maps it to a CliError. */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
