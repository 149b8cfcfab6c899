// The harness side of the load generator: runs bench/load.ts as its own process and reads its JSON result.
import { join } from "node:path";

const LOAD = join(import.meta.dir, "load.ts");
// The generator may hold 10,000 sockets: raise its descriptor limit as for the servers (see _proc.ts).
const WITH_FDS = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;

/** Runs one scenario to completion (killed after `timeoutMs`) and returns its result object. */
export async function runLoad<T>(scenario: string, options: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const proc = spawnLoad(scenario, options, timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`load ${scenario} failed (${code ?? proc.signalCode}): ${stderr.trim().slice(0, 400)}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
}

/**
 * Runs the capacity scenario: once the generator reports its connections held, `whileHeld` runs (the harness
 * reads the server's memory), then the generator is told to close and its final result is returned.
 */
export async function runHeld<H, T>(options: Record<string, unknown>, timeoutMs: number, whileHeld: (held: H) => Promise<unknown>): Promise<{ held: H; result: T }> {
  const proc = spawnLoad("capacity", options, timeoutMs);
  const stderr = new Response(proc.stderr).text();
  const lines: string[] = [];
  let buffer = "";
  let held: H | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of proc.stdout) {
    buffer += decoder.decode(chunk);
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      if (held === undefined && line.includes('"phase":"held"')) {
        held = JSON.parse(line) as H;
        await whileHeld(held);
        proc.stdin.write("close\n");
        await proc.stdin.flush();
        proc.stdin.end();
      }
    }
  }
  const code = await proc.exited;
  if (code !== 0 || held === undefined) throw new Error(`load capacity failed (${code ?? proc.signalCode}): ${(await stderr).trim().slice(0, 400)}`);
  return { held, result: JSON.parse(lines.at(-1)!) as T };
}

function spawnLoad(scenario: string, options: Record<string, unknown>, timeoutMs: number) {
  return Bun.spawn(["sh", "-c", WITH_FDS, "sh", process.execPath, LOAD, scenario, JSON.stringify(options)], {
    stdin: "pipe", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL",
  });
}
