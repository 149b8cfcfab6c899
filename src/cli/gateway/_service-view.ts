// What supervises the gateway, as `gateway status`, `openclaw status` and `doctor` report it.
// The service module (src/service/, built separately) will provide the launchd/systemd/schtasks view;
// until the lead wires it here, the service is reported as "not installed". The gateway's own lock file
// (<stateDir>/gateway.lock, written by the server) still tells whether a gateway process is running.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ServiceView {
  installed: boolean;
  /** Human state: "not installed", later "running", "stopped", … */
  state: string;
  manager: string | null;
  runtime: { status: "running" | "stopped" | "unknown"; pid: number | null } | null;
}

/** The supervisor's view; "not installed" until the service module is wired in. */
export async function readServiceView(): Promise<ServiceView> {
  return { installed: false, state: "not installed", manager: null, runtime: null };
}

export interface GatewayProcess {
  lockFile: string;
  pid: number;
  port: number | null;
  startedAt: string | null;
  alive: boolean;
}

/** The gateway process that holds this profile's state-dir lock, if a lock file exists. */
export function readGatewayLock(stateDir: string): GatewayProcess | null {
  const lockFile = join(stateDir, "gateway.lock");
  try {
    const owner = JSON.parse(readFileSync(lockFile, "utf8")) as { pid?: unknown; port?: unknown; startedAt?: unknown };
    if (typeof owner.pid !== "number") return null;
    return {
      lockFile,
      pid: owner.pid,
      port: typeof owner.port === "number" ? owner.port : null,
      startedAt: typeof owner.startedAt === "string" ? owner.startedAt : null,
      alive: isAlive(owner.pid),
    };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
