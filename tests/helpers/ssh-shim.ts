// A recording `ssh` shim that really forwards: it appends its argv to $FAKE_CALLS, writes its PID to
// $FAKE_SSH_PID, then serves `-L <local>:<host>:<remote>` on 127.0.0.1 by piping bytes (TLS passes through).
// With $FAKE_SSH_FAIL set it refuses like a rejected key (exit 255).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FORWARDER = `
const args = process.argv.slice(2);
const [localPort, host, remotePort] = args[args.indexOf("-L") + 1].split(":");
if (process.env.FAKE_SSH_PID) await Bun.write(process.env.FAKE_SSH_PID, String(process.pid));
Bun.listen({
  hostname: "127.0.0.1",
  port: Number(localPort),
  socket: {
    open(client) {
      client.data = { up: undefined, pending: [] };
      Bun.connect({
        hostname: host,
        port: Number(remotePort),
        socket: {
          open(up) {
            up.data = client;
            client.data.up = up;
            for (const chunk of client.data.pending) up.write(chunk);
            client.data.pending = [];
          },
          data(up, chunk) { up.data.write(chunk); },
          close(up) { up.data.end(); },
          error(up) { up.data?.end(); },
        },
      }).catch(() => client.end());
    },
    data(client, chunk) {
      if (client.data.up) client.data.up.write(chunk);
      else client.data.pending.push(new Uint8Array(chunk));
    },
    close(client) { client.data.up?.end(); },
  },
});
process.on("SIGTERM", () => process.exit(0));
`;

export interface SshShim {
  dir: string;
  /** PATH with the shim first, FAKE_CALLS and FAKE_SSH_PID. */
  env: Record<string, string>;
  /** Each ssh invocation's argv (without the program name). */
  calls(): string[][];
  /** The PID of the last ssh the shim ran. */
  lastPid(): number;
  /** The file FAKE_CALLS points at. */
  callsFile: string;
  pidFile: string;
  cleanup(): void;
}

export function sshShim(): SshShim {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-ssh-shim-"));
  const calls = join(dir, "calls.txt");
  const pidFile = join(dir, "ssh.pid");
  writeFileSync(calls, "");
  writeFileSync(join(dir, "forward.ts"), FORWARDER);
  writeFileSync(join(dir, "ssh"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "$FAKE_CALLS"\n[ -n "$FAKE_SSH_FAIL" ] && { echo "user@gateway-host: Permission denied (publickey)." >&2; exit 255; }\nexec "${process.execPath}" "${join(dir, "forward.ts")}" "$@"\n`);
  chmodSync(join(dir, "ssh"), 0o755);
  return {
    dir,
    env: { PATH: `${dir}:${process.env.PATH}`, FAKE_CALLS: calls, FAKE_SSH_PID: pidFile },
    calls: () => readFileSync(calls, "utf8").split("\n").filter(Boolean).map((line) => line.split(" ")),
    lastPid: () => Number(readFileSync(pidFile, "utf8")),
    callsFile: calls,
    pidFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** True while a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
