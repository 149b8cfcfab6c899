// Where releases live and what the latest one is: the installer's folder layout (`<base>/openclaw-<os>-<arch>`,
// `<base>/SHA256SUMS`) plus a small manifest naming the version, `<base>/manifest.json` (`manifest-<channel>.json`
// for other channels). Every download is size-capped: a hostile or broken server cannot fill memory or disk.

/** The project's releases; `latest/download` is the stable channel's folder (install.sh uses the same). */
export const RELEASES_URL = "https://github.com/openclaw-gateway/openclaw-gateway/releases";
export const UPDATE_CHANNELS = ["stable", "beta", "dev"] as const;
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number];

const MANIFEST_LIMIT = 64 * 1024;
export const SUMS_LIMIT = 256 * 1024;
export const BINARY_LIMIT = 512 * 1024 * 1024;

/** What the manifest says: the version, and the folder holding its assets (the manifest's own folder by default). */
export interface ReleaseManifest {
  version: string;
  channel: UpdateChannel;
  /** Absolute folder URL of the assets, without a trailing slash. */
  assetsUrl: string;
  commit?: string;
}

/** A refusal the CLI and the RPC report as is (nothing was changed when it is thrown). */
export class UpdateError extends Error {
  override readonly name = "UpdateError";
  constructor(
    readonly code: "bad-channel" | "unreachable" | "bad-manifest" | "no-asset" | "checksum" | "too-large" | "not-binary" | "broken-download" | "write-failed",
    message: string,
  ) {
    super(message);
  }
}

/** `OPENCLAW_UPDATE_BASE_URL`, else the installer's `OPENCLAW_INSTALL_BASE_URL`, else the project's releases. */
export function releaseBaseUrl(env: Record<string, string | undefined>): { url: string; source: string } {
  const update = env.OPENCLAW_UPDATE_BASE_URL?.trim();
  if (update) return { url: update.replace(/\/+$/, ""), source: "OPENCLAW_UPDATE_BASE_URL" };
  const install = env.OPENCLAW_INSTALL_BASE_URL?.trim();
  if (install) return { url: install.replace(/\/+$/, ""), source: "OPENCLAW_INSTALL_BASE_URL" };
  return { url: `${RELEASES_URL}/latest/download`, source: "default" };
}

/** Validates `--channel` / `update.channel`; stable when unset. */
export function parseChannel(value: unknown, source: string): UpdateChannel {
  if (value === undefined || value === null || value === "") return "stable";
  if (typeof value === "string" && (UPDATE_CHANNELS as readonly string[]).includes(value)) return value as UpdateChannel;
  throw new UpdateError("bad-channel", `Expected ${source} to be one of ${UPDATE_CHANNELS.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The release asset of this machine, as install.sh names it (`openclaw-linux-x64`, `openclaw-windows-x64.exe`). */
export function assetName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  return `openclaw-${os}-${arch}${platform === "win32" ? ".exe" : ""}`;
}

/** Fetches and validates the channel's manifest. */
export async function fetchManifest(baseUrl: string, channel: UpdateChannel, fetcher: typeof fetch = fetch): Promise<ReleaseManifest> {
  const url = `${baseUrl}/${channel === "stable" ? "manifest.json" : `manifest-${channel}.json`}`;
  const text = new TextDecoder().decode(await download(url, MANIFEST_LIMIT, fetcher));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UpdateError("bad-manifest", `${url} is not JSON`);
  }
  const record = data as { version?: unknown; assetsUrl?: unknown; commit?: unknown };
  if (typeof record?.version !== "string" || !parseVersion(record.version)) {
    throw new UpdateError("bad-manifest", `${url} names no valid version (expected {"version":"1.2.3"})`);
  }
  const assetsUrl = typeof record.assetsUrl === "string" && record.assetsUrl ? new URL(record.assetsUrl, `${baseUrl}/`).href.replace(/\/+$/, "") : baseUrl;
  return { version: record.version.replace(/^v/, ""), channel, assetsUrl, commit: typeof record.commit === "string" ? record.commit : undefined };
}

/** Downloads a URL into memory, refusing a body over `limit` bytes while it streams. */
export async function download(url: string, limit: number, fetcher: typeof fetch = fetch): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetcher(url, { redirect: "follow" });
  } catch (error) {
    throw new UpdateError("unreachable", `cannot download ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new UpdateError("unreachable", `cannot download ${url}: HTTP ${response.status}`);
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new UpdateError("too-large", `${url} is ${declared} bytes, over the ${limit}-byte limit`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > limit) throw new UpdateError("too-large", `${url} is over the ${limit}-byte limit`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The expected hex digest of `asset` in a sha256sum file (`<hex>  <name>` or `<hex> *<name>`). */
export function expectedSha256(sums: string, asset: string): string | undefined {
  for (const line of sums.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (match && match[2] === asset) return match[1]!.toLowerCase();
  }
  return undefined;
}

/** -1, 0 or 1 comparing two versions (`1.2.3`, `1.2.3-beta.1`; a release sorts after its pre-releases). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return a === b ? 0 : a < b ? -1 : 1;
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! < y.core[i]! ? -1 : 1;
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  const px = x.pre.split(".");
  const py = y.pre.split(".");
  for (let i = 0; i < Math.max(px.length, py.length); i++) {
    if (px[i] === undefined) return -1;
    if (py[i] === undefined) return 1;
    const nx = Number(px[i]);
    const ny = Number(py[i]);
    const both = Number.isInteger(nx) && Number.isInteger(ny);
    if (px[i] !== py[i]) return both ? (nx < ny ? -1 : 1) : px[i]! < py[i]! ? -1 : 1;
  }
  return 0;
}

function parseVersion(value: string): { core: number[]; pre: string } | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(value.trim());
  if (!match) return undefined;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ?? "" };
}
