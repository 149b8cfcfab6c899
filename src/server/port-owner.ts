import { sleep } from "../platform/sleep.ts";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { isAlive } from "./lock.ts";

/** Runs a command and returns its stdout; injected so tests and non-Linux hosts can stand in. */
export type CommandRunner = (argv: string[]) => Promise<{ code: number; stdout: string }>;

const defaultRunner: CommandRunner = async (argv) => {
  try {
    const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore" });
    const stdout = await new Response(proc.stdout).text();
    return { code: await proc.exited, stdout };
  } catch {
    return { code: 127, stdout: "" };
  }
};

/** PIDs of processes listening on a TCP port: /proc on Linux (no tools needed), `lsof` elsewhere. */
export async function findListeningPids(port: number, run: CommandRunner = defaultRunner): Promise<number[]> {
  if (process.platform === "linux") {
    const pids = listeningPidsFromProc(port);
    if (pids !== undefined) return pids;
  }
  const result = await run(["lsof", "-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-t"]);
  return [...new Set(result.stdout.split(/\s+/).filter(Boolean).map(Number).filter(Number.isInteger))];
}

/** Reads /proc/net/tcp{,6} for LISTEN sockets on the port, then maps socket inodes to PIDs. */
export function listeningPidsFromProc(port: number, procRoot = "/proc"): number[] | undefined {
  const inodes = new Set<string>();
  let readAny = false;
  for (const table of ["net/tcp", "net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${table}`, "utf8");
      readAny = true;
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // State 0A is TCP_LISTEN; the port is the hex after the colon.
      if (!local || fields[3] !== "0A") continue;
      if (Number.parseInt(local.split(":")[1] ?? "", 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  if (!readAny) return undefined;
  const pids: number[] = [];
  for (const entry of safeReaddir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of safeReaddir(`${procRoot}/${entry}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`${procRoot}/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

/** Sends SIGTERM, waits up to `graceMs` for exit, then SIGKILL; resolves true once the PID is gone. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<boolean> {
  if (!signal(pid, "SIGTERM")) return !isAlive(pid);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  signal(pid, "SIGKILL");
  for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(25);
  return !isAlive(pid);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
