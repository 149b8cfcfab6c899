import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServiceError } from "./types.ts";

/** How the service starts the gateway: the compiled binary, or `bun <abs>/src/main.ts` from a checkout. */
export type ServiceRuntime = "binary" | "bun";

export interface ProgramChoice {
  runtime: ServiceRuntime;
  /** The executable part of the command (one entry for the binary, two for bun + main.ts). */
  command: string[];
  warnings: string[];
}

export interface ProgramOptions {
  /** `auto` (default) picks whatever is running now. */
  runtime?: "auto" | ServiceRuntime | string;
  env: Record<string, string | undefined>;
  execPath?: string;
  compiled?: boolean;
  mainPath?: string;
}

/** True inside a `bun build --compile` executable, whose modules live in Bun's embedded filesystem. */
export function isCompiledBinary(modulePath: string = import.meta.path): boolean {
  return modulePath.startsWith("/$bunfs/") || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(modulePath);
}

/**
 * Picks the command the service runs: the absolute path of the running binary (preferring the stable
 * `openclaw` on PATH when it is the same file, so upgrades that swap a versioned target keep working).
 */
export function resolveProgram(opts: ProgramOptions): ProgramChoice {
  const execPath = opts.execPath ?? process.execPath;
  const compiled = opts.compiled ?? isCompiledBinary();
  const wanted = opts.runtime ?? "auto";
  if (wanted !== "auto" && wanted !== "binary" && wanted !== "bun") {
    throw new ServiceError("invalid", `Expected --runtime to be binary or bun, got ${JSON.stringify(wanted)}`, "This gateway is a Bun program: there is no Node runtime to pick.");
  }
  const runtime: ServiceRuntime = wanted === "auto" ? (compiled ? "binary" : "bun") : wanted;
  if (runtime === "binary" && !compiled) {
    throw new ServiceError("invalid", "--runtime binary needs the compiled openclaw binary, but this is running from source", "Build it (`bun build.ts`) and run `dist/openclaw gateway install`.");
  }
  if (runtime === "bun" && compiled) {
    throw new ServiceError("invalid", "--runtime bun needs a source checkout, but this is the compiled binary", "Run `bun <checkout>/src/main.ts gateway install --runtime bun` from the checkout.");
  }
  const warnings: string[] = [];
  if (runtime === "bun") {
    const main = opts.mainPath ?? join(import.meta.dir, "..", "main.ts");
    return { runtime, command: [execPath, main], warnings };
  }
  const stable = stablePath(execPath, opts.env);
  if (looksTemporary(stable)) {
    warnings.push(`The service will run ${stable}, which looks temporary or versioned; install the binary at a stable path (e.g. ~/.local/bin/openclaw) so upgrades do not break the service.`);
  }
  return { runtime, command: [stable], warnings };
}

/** The `openclaw` found on PATH when it resolves to the same file as execPath, else execPath. */
function stablePath(execPath: string, env: Record<string, string | undefined>): string {
  const onPath = Bun.which("openclaw", { PATH: env.PATH ?? "" });
  if (!onPath || onPath === execPath) return execPath;
  try {
    return realpathSync(onPath) === realpathSync(execPath) ? onPath : execPath;
  } catch {
    return execPath;
  }
}

function looksTemporary(path: string): boolean {
  const tmp = tmpdir();
  return path.startsWith(tmp + "/") || /[\\/]v?\d+\.\d+\.\d+[^\\/]*[\\/]/.test(path);
}

/** `gateway --port N` plus the flags that select the profile, as the service passes them. */
export function gatewayArgs(port: number, profile: string | undefined, dev: boolean): string[] {
  const args = ["gateway", "--port", String(port)];
  if (dev) args.push("--dev");
  else if (profile !== undefined && profile !== "default") args.push("--profile", profile);
  return args;
}
