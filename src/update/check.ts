// What `openclaw update --check` and the `update.status` RPC report: this version against the channel's manifest.
import { VERSION } from "../version.ts";
import { compareVersions, fetchManifest, parseChannel, releaseBaseUrl, UpdateError, type ReleaseManifest, type UpdateChannel } from "./release.ts";

/** The answer of a check; `error` is set (and `latestVersion` null) when the release folder could not be read. */
export interface UpdateCheck {
  currentVersion: string;
  channel: UpdateChannel;
  baseUrl: string;
  baseUrlSource: string;
  latestVersion: string | null;
  updateAvailable: boolean;
  checkedAt: number;
  error: { code: string; message: string } | null;
  manifest?: ReleaseManifest;
}

export interface CheckOptions {
  env: Record<string, string | undefined>;
  /** `--channel`, else `update.channel` from config. */
  channel?: unknown;
  channelSource?: string;
  currentVersion?: string;
  fetcher?: typeof fetch;
  now?: () => number;
}

/** Reads the manifest and compares; a bad channel throws, an unreachable folder is reported in `error`. */
export async function checkForUpdate(options: CheckOptions): Promise<UpdateCheck> {
  const channel = parseChannel(options.channel, options.channelSource ?? "--channel");
  const base = releaseBaseUrl(options.env);
  const currentVersion = options.currentVersion ?? VERSION;
  const result: UpdateCheck = {
    currentVersion,
    channel,
    baseUrl: base.url,
    baseUrlSource: base.source,
    latestVersion: null,
    updateAvailable: false,
    checkedAt: (options.now ?? Date.now)(),
    error: null,
  };
  try {
    const manifest = await fetchManifest(base.url, channel, options.fetcher);
    result.manifest = manifest;
    result.latestVersion = manifest.version;
    result.updateAvailable = compareVersions(manifest.version, currentVersion) > 0;
  } catch (error) {
    if (!(error instanceof UpdateError)) throw error;
    result.error = { code: error.code, message: error.message };
  }
  return result;
}
