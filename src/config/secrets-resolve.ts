// Resolves SecretRefs through the env, file and exec providers of `secrets.providers` (the reference's contract:
// id grammars, private files, trusted commands, a JSON protocol on stdin/stdout, bounded time and size). All refs
// resolve or the whole resolution fails, so a caller can keep its last good snapshot.
import { nodeChildProcess } from "../platform/node.ts";
import { closeSync, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { inactiveReason } from "./secret-surfaces.ts";
import { describeRef, findSecretRefs, UnresolvedSecretError, type SecretRef, type SecretSnapshot } from "./secret-ref.ts";

type Env = Record<string, string | undefined>;
const MAX_BYTES = 1024 * 1024;
const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const ENV_ID = /^[A-Z][A-Z0-9_]{0,127}$/;
const EXEC_ID = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,255}$/;

export interface ResolveOptions {
  env: Env;
  /** Exec providers run commands; `secrets audit` skips them unless asked. */
  allowExec?: boolean;
  homeDir?: string;
  /** The gateway resolves only refs on active surfaces (secret-surfaces.ts); the rest are returned as ignored. */
  activeOnly?: boolean;
}

/** Outcome: every ref resolved (`values`), or the failures by path beside what did resolve. */
export type Resolution =
  | { ok: true; values: SecretSnapshot; refs: number; skipped: string[]; ignored: { path: string; reason: string }[] }
  | { ok: false; errors: UnresolvedSecretError[]; /** What did resolve, for owner isolation (server/secret-owners.ts). */ values: SecretSnapshot; ignored: { path: string; reason: string }[] };

/** Resolves every SecretRef in the config. */
export async function resolveSecrets(config: Record<string, unknown>, options: ResolveOptions): Promise<Resolution> {
  const ignored: { path: string; reason: string }[] = [];
  const refs = findSecretRefs(config).filter(({ path }) => {
    const reason = options.activeOnly ? inactiveReason(config, path, options.env) : undefined;
    if (reason) ignored.push({ path, reason });
    return !reason;
  });
  const values = new Map<string, string>();
  const errors: UnresolvedSecretError[] = [];
  const skipped: string[] = [];
  const providers = providerTable(config);
  const execBatches = new Map<string, { path: string; ref: SecretRef }[]>();
  for (const item of refs) {
    try {
      const provider = providerFor(item.ref, providers);
      if (item.ref.source === "exec") {
        if (!options.allowExec && options.allowExec !== undefined) {
          skipped.push(item.path);
          continue;
        }
        const batch = execBatches.get(provider.name) ?? [];
        batch.push(item);
        execBatches.set(provider.name, batch);
        continue;
      }
      values.set(item.path, item.ref.source === "env" ? fromEnv(item.ref, provider.config, options.env) : fromFile(item.ref, provider.config, options));
    } catch (error) {
      errors.push(asRefError(item, error));
    }
  }
  for (const [name, batch] of execBatches) {
    try {
      const results = await fromExec(name, providers[name]!, batch.map((b) => b.ref.id), options.env);
      for (const item of batch) {
        const value = results.get(item.ref.id);
        if (typeof value === "string" && value !== "") values.set(item.path, value);
        else errors.push(new UnresolvedSecretError(item.path, item.ref, results.has(item.ref.id) ? "the provider returned an empty value" : "the provider returned no value for this id"));
      }
    } catch (error) {
      for (const item of batch) errors.push(asRefError(item, error));
    }
  }
  return errors.length > 0 ? { ok: false, errors, values, ignored } : { ok: true, values, refs: refs.length, skipped, ignored };
}

/** The same for env and file refs only, synchronously (client commands: no provider command runs on a CLI read). */
export function resolveSecretSync(ref: SecretRef, path: string, config: Record<string, unknown>, options: ResolveOptions): string {
  try {
    const provider = providerFor(ref, providerTable(config));
    if (ref.source === "env") return fromEnv(ref, provider.config, options.env);
    if (ref.source === "file") return fromFile(ref, provider.config, options);
    throw new Error("exec refs are resolved by the gateway only; pass --token or --password");
  } catch (error) {
    throw asRefError({ path, ref }, error);
  }
}

// --- providers ---

type ProviderConfig = Record<string, unknown> & { source?: string };

function providerTable(config: Record<string, unknown>): Record<string, ProviderConfig> {
  const secrets = (config.secrets ?? {}) as { providers?: Record<string, ProviderConfig> };
  return secrets.providers && typeof secrets.providers === "object" ? secrets.providers : {};
}

function providerFor(ref: SecretRef, providers: Record<string, ProviderConfig>): { name: string; config: ProviderConfig } {
  const name = ref.provider ?? "default";
  if (!PROVIDER_NAME.test(name)) throw new Error(`provider name ${JSON.stringify(name)} is invalid`);
  const entry = providers[name];
  if (entry && entry.source === ref.source) return { name, config: entry };
  // env refs to the default alias need no entry: the built-in env reader serves them.
  if (ref.source === "env" && name === "default") return { name, config: { source: "env" } };
  throw new Error(`no secrets.providers.${name} with source "${ref.source}"`);
}

function fromEnv(ref: SecretRef, provider: ProviderConfig, env: Env): string {
  if (!ENV_ID.test(ref.id)) throw new Error("env ids must match ^[A-Z][A-Z0-9_]{0,127}$");
  const allowlist = provider.allowlist;
  if (Array.isArray(allowlist) && !allowlist.includes(ref.id)) throw new Error(`${ref.id} is not in the provider's allowlist`);
  const value = env[ref.id];
  if (value === undefined || value === "") throw new Error(`environment variable ${ref.id} is missing or empty`);
  return value;
}

function fromFile(ref: SecretRef, provider: ProviderConfig, options: ResolveOptions): string {
  const configured = typeof provider.path === "string" ? provider.path : "";
  if (!configured) throw new Error("the file provider has no path");
  const path = configured.startsWith("~/") ? join(options.homeDir ?? options.env.HOME ?? homedir(), configured.slice(2)) : configured;
  const mode = provider.mode === "singleValue" ? "singleValue" : "json";
  const maxBytes = typeof provider.maxBytes === "number" && provider.maxBytes > 0 ? provider.maxBytes : MAX_BYTES;
  const text = readPrivateFile(path, maxBytes);
  if (mode === "singleValue") {
    if (ref.id !== "value") throw new Error('singleValue file providers take the id "value"');
    const value = text.replace(/\r?\n$/, "");
    if (!value) throw new Error(`${path} is empty`);
    return value;
  }
  if (!ref.id.startsWith("/")) throw new Error("file ids are absolute JSON pointers (/a/b) or \"value\" for singleValue providers");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  let node = data;
  for (const segment of ref.id.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))) {
    if (!node || typeof node !== "object" || !Object.hasOwn(node, segment)) throw new Error(`${path} has nothing at ${ref.id}`);
    node = (node as Record<string, unknown>)[segment];
  }
  if (typeof node !== "string" || node === "") throw new Error(`${path} holds no non-empty string at ${ref.id}`);
  return node;
}

/** Reads a private regular file: no symlink, one hard link, owned by us, no group/other bits, bounded size. */
function readPrivateFile(path: string, maxBytes: number): string {
  if (!isAbsolute(path)) throw new Error(`file provider path ${path} is not absolute`);
  let link;
  try {
    link = lstatSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  if (link.isSymbolicLink()) throw new Error(`${path} must not be a symlink`);
  if (!link.isFile()) throw new Error(`${path} is not a regular file`);
  if (process.platform !== "win32") {
    if (link.nlink !== 1) throw new Error(`${path} must not be hardlinked`);
    if ((link.mode & 0o077) !== 0) throw new Error(`${path} is readable by group or others (mode ${(link.mode & 0o777).toString(8)}); chmod 600 it`);
    if (typeof process.getuid === "function" && link.uid !== process.getuid()) throw new Error(`${path} is not owned by the gateway user`);
  }
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new Error(`${path} is over ${maxBytes} bytes`);
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

async function fromExec(name: string, provider: ProviderConfig, ids: string[], env: Env): Promise<Map<string, unknown>> {
  for (const id of ids) {
    if (!EXEC_ID.test(id) || id.split("/").some((part) => part === "." || part === "..")) throw new Error(`exec id ${JSON.stringify(id)} is invalid`);
  }
  const command = typeof provider.command === "string" ? provider.command : "";
  if (!isAbsolute(command)) throw new Error("the exec provider's command must be an absolute path");
  const stat = lstatSync(command, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${command} does not exist`);
  if (stat.isSymbolicLink()) throw new Error(`${command} must not be a symlink (configure the real path)`);
  if (process.platform !== "win32") {
    if ((stat.mode & 0o022) !== 0) throw new Error(`${command} is group- or world-writable`);
    if (typeof process.getuid === "function" && stat.uid !== process.getuid() && stat.uid !== 0) throw new Error(`${command} is not owned by the gateway user`);
  }
  const trusted = provider.trustedDirs;
  if (Array.isArray(trusted) && !trusted.some((dir) => typeof dir === "string" && command.startsWith(dir.endsWith("/") ? dir : `${dir}/`))) {
    throw new Error(`${command} is outside trustedDirs`);
  }
  const childEnv: Record<string, string> = {};
  for (const key of Array.isArray(provider.passEnv) ? provider.passEnv : []) if (typeof key === "string" && env[key] !== undefined) childEnv[key] = env[key]!;
  if (provider.env && typeof provider.env === "object") for (const [k, v] of Object.entries(provider.env)) if (typeof v === "string") childEnv[k] = v;
  const args = Array.isArray(provider.args) ? provider.args.filter((a): a is string => typeof a === "string") : [];
  const timeoutMs = typeof provider.timeoutMs === "number" && provider.timeoutMs > 0 ? provider.timeoutMs : 5000;
  const maxOutput = typeof provider.maxOutputBytes === "number" && provider.maxOutputBytes > 0 ? provider.maxOutputBytes : MAX_BYTES;
  const stdout = await runResolver(command, args, childEnv, JSON.stringify({ protocolVersion: 1, provider: name, ids }), timeoutMs, maxOutput);
  let reply: { protocolVersion?: unknown; values?: Record<string, unknown> } | undefined;
  try {
    reply = JSON.parse(stdout);
  } catch {
    if (provider.jsonOnly === false && ids.length === 1) return new Map([[ids[0]!, stdout.replace(/\r?\n$/, "")]]);
    throw new Error(`provider ${name} did not answer JSON`);
  }
  if (reply?.protocolVersion !== 1 || !reply.values || typeof reply.values !== "object") throw new Error(`provider ${name} answered without protocolVersion 1 and values`);
  return new Map(Object.entries(reply.values));
}

function runResolver(command: string, args: string[], env: Record<string, string>, input: string, timeoutMs: number, maxOutput: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = nodeChildProcess().spawn(command, args, { env, stdio: ["pipe", "pipe", "ignore"], shell: false });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput) {
        child.kill("SIGKILL");
        clearTimeout(timer);
        reject(new Error(`${command} wrote more than ${maxOutput} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      // Resolver stderr and any non-JSON text may carry credential material: only the exit code is reported.
      if (code !== 0) reject(new Error(`${command} exited with ${code}`));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

function asRefError(item: { path: string; ref: SecretRef }, error: unknown): UnresolvedSecretError {
  if (error instanceof UnresolvedSecretError) return error;
  return new UnresolvedSecretError(item.path, item.ref, (error as Error).message);
}

export { describeRef };
