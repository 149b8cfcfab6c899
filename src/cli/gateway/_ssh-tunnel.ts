// `gateway probe --ssh user@host[:port]`: the macOS app's "Remote over SSH" as a command. Opens
// `ssh -N -L <free local port>:127.0.0.1:<gateway port> user@host`, waits until the local end accepts
// connections (inside the command's deadline), and hands back a close() that ends the ssh process.
import { sleep } from "../../platform/sleep.ts";
import type { Subprocess } from "bun";
import type { Deadline } from "../../client/deadline.ts";
import { tcpAccepts } from "./_net.ts";

export interface SshTarget {
  /** `user@host` (or `host`) as given to ssh. */
  destination: string;
  port?: number;
}

export interface SshTunnel {
  localPort: number;
  argv: string[];
  close(): Promise<void>;
}

/** Parses `user@host` or `user@host:port` (port 22 by default); refuses anything ssh would read as an option. */
export function parseSshTarget(value: string): SshTarget {
  const trimmed = value.trim();
  const match = /^((?:[^@\s]+@)?)([^@:\s]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(trimmed);
  if (!match || trimmed.startsWith("-")) {
    throw new Error(`Expected --ssh to be user@host or user@host:port, got ${JSON.stringify(value)}`);
  }
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`Expected the --ssh port to be 1-65535, got ${match[3]}`);
  return { destination: `${match[1]}${match[2]}`, port };
}

/** Starts the tunnel; rejects with ssh's own stderr when it exits or the deadline passes first. */
export async function openSshTunnel(options: {
  target: SshTarget;
  identity?: string;
  remotePort: number;
  env: Record<string, string | undefined>;
  deadline: Deadline;
}): Promise<SshTunnel> {
  const env = cleanEnv(options.env);
  const ssh = Bun.which("ssh", { PATH: env.PATH ?? "" });
  if (!ssh) throw new Error("ssh not found on PATH");
  const localPort = freeLocalPort();
  const argv = [
    ssh,
    "-N",
    "-L",
    `${localPort}:127.0.0.1:${options.remotePort}`,
    ...(options.target.port ? ["-p", String(options.target.port)] : []),
    ...(options.identity ? ["-i", options.identity] : []),
    "-o",
    "BatchMode=yes",
    "-o",
    "ExitOnForwardFailure=yes",
    options.target.destination,
  ];
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const close = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    await proc.exited;
  };
  try {
    await waitForListener(localPort, proc, options.deadline);
  } catch (error) {
    await close();
    throw error;
  }
  return { localPort, argv, close };
}

async function waitForListener(port: number, proc: Subprocess<"ignore", "ignore", "pipe">, deadline: Deadline): Promise<void> {
  while (!deadline.expired()) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const stderr = (await new Response(proc.stderr).text()).trim();
      throw new Error(`ssh exited with ${proc.exitCode ?? proc.signalCode}${stderr ? `: ${stderr.split("\n").at(-1)}` : ""}`);
    }
    if (await tcpAccepts(port, Math.max(1, Math.min(500, deadline.remaining())))) return;
    await sleep(Math.min(50, deadline.remaining()));
  }
  throw new Error(`ssh tunnel did not open 127.0.0.1:${port} within the probe budget`);
}

function freeLocalPort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
