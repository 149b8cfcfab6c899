// Commands the exec tool started: each in its own process group (so a kill reaches its children), its output
// kept in a bounded tail, and reachable by id while it runs in the background (`process` poll/log/kill).
// Every process is killed by PID on abort, timeout, and when the gateway stops.
import type { ChildProcess } from "node:child_process";
import { nodeChildProcess } from "../../platform/node.ts";

/** Output characters kept per process (the newest); older output is dropped and counted. */
export const MAX_OUTPUT_CHARS = 200_000;
/** Processes one registry holds at most (running and finished-but-unread). */
export const MAX_PROCESSES = 64;

export interface ProcessInfo {
  id: string;
  pid: number | undefined;
  command: string;
  cwd: string;
  agentId: string;
  startedAt: number;
  status: "running" | "exited" | "killed";
  exitCode: number | null;
  signal: string | null;
}

export class ExecProcess {
  readonly info: ProcessInfo;
  #output = "";
  #dropped = 0;
  #polledTo = 0;
  #child: ChildProcess;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly exited: Promise<ProcessInfo>;

  constructor(id: string, command: string, cwd: string, agentId: string, env: Record<string, string>, timeoutMs: number) {
    this.#child = nodeChildProcess().spawn("/bin/sh", ["-c", command], { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    this.info = { id, pid: this.#child.pid, command, cwd, agentId, startedAt: Date.now(), status: "running", exitCode: null, signal: null };
    const take = (chunk: Buffer) => this.#append(chunk.toString("utf8"));
    this.#child.stdout!.on("data", take);
    this.#child.stderr!.on("data", take);
    this.#child.stdin!.on("error", () => {});
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(this.#timer);
        if (this.info.status === "running") this.info.status = signal ? "killed" : "exited";
        this.info.exitCode = code;
        this.info.signal = signal;
        resolve(this.info);
      };
      this.#child.on("close", done);
      this.#child.on("error", (error) => {
        this.#append(`\n[spawn failed: ${error.message}]\n`);
        done(127, null);
      });
    });
    if (timeoutMs > 0) this.#timer = setTimeout(() => this.kill("timeout"), timeoutMs);
  }

  #append(text: string): void {
    this.#output += text;
    if (this.#output.length > MAX_OUTPUT_CHARS) {
      const cut = this.#output.length - MAX_OUTPUT_CHARS;
      this.#output = this.#output.slice(cut);
      this.#dropped += cut;
    }
  }

  get running(): boolean {
    return this.info.status === "running";
  }

  /** All output kept so far (with a note when older output was dropped). */
  output(): string {
    return this.#dropped ? `[${this.#dropped} earlier characters dropped]\n${this.#output}` : this.#output;
  }

  /** Output since the last poll. */
  poll(): string {
    const total = this.#dropped + this.#output.length;
    const start = Math.max(this.#polledTo, this.#dropped) - this.#dropped;
    this.#polledTo = total;
    return this.#output.slice(start);
  }

  write(data: string): void {
    this.#child.stdin?.write(data);
  }

  /** Kills the whole process group by PID (SIGKILL: a command must not outlive an abort). */
  kill(reason: "abort" | "timeout" | "kill" | "shutdown"): void {
    if (!this.running) return;
    this.info.status = "killed";
    this.#append(`\n[killed: ${reason}]\n`);
    const pid = this.#child.pid;
    try {
      if (pid) process.kill(-pid, "SIGKILL");
    } catch {
      this.#child.kill("SIGKILL");
    }
  }
}

export class ProcessRegistry {
  readonly #all = new Map<string, ExecProcess>();

  start(command: string, cwd: string, agentId: string, env: Record<string, string>, timeoutMs: number): ExecProcess {
    this.#prune();
    if (this.#all.size >= MAX_PROCESSES) throw new Error(`too many exec processes (${MAX_PROCESSES}); kill or poll finished ones first`);
    const proc = new ExecProcess(crypto.randomUUID().slice(0, 8), command, cwd, agentId, env, timeoutMs);
    this.#all.set(proc.info.id, proc);
    return proc;
  }

  get(id: string, agentId: string): ExecProcess | undefined {
    const proc = this.#all.get(id);
    return proc && proc.info.agentId === agentId ? proc : undefined;
  }

  list(agentId: string): ProcessInfo[] {
    return [...this.#all.values()].filter((p) => p.info.agentId === agentId).map((p) => p.info);
  }

  forget(id: string): void {
    this.#all.delete(id);
  }

  killAll(): void {
    for (const proc of this.#all.values()) proc.kill("shutdown");
  }

  /** Finished processes go first when the registry is full. */
  #prune(): void {
    if (this.#all.size < MAX_PROCESSES) return;
    for (const [id, proc] of this.#all) if (!proc.running) this.#all.delete(id);
  }
}
