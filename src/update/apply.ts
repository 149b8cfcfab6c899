// Replaces the running single binary with a verified release: download, check SHA256SUMS, stage next to the
// target (same filesystem), run the staged copy once, then rename over the target. Until that rename nothing
// at the target path changes, so a refused update leaves the old binary byte-identical; a running gateway keeps
// its old inode after it and serves on until its supervisor restarts it.
import { nodeCrypto } from "../platform/node.ts";
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BINARY_LIMIT, SUMS_LIMIT, UpdateError, assetName, download, expectedSha256, type ReleaseManifest } from "./release.ts";

export interface ApplyOptions {
  manifest: ReleaseManifest;
  /** The binary to replace (the running executable). */
  target: string;
  fetcher?: typeof fetch;
  /** Runs `<staged> --version`; injected by the CLI (Bun.spawn lives at the edge). */
  probeVersion(path: string): Promise<string>;
  platform?: NodeJS.Platform;
  arch?: string;
  onProgress?(line: string): void;
}

/** Downloads, verifies and swaps; resolves with the verified digest. Throws UpdateError with nothing changed. */
export async function applyUpdate(options: ApplyOptions): Promise<{ sha256: string; asset: string }> {
  const { manifest, target } = options;
  const asset = assetName(options.platform, options.arch);
  const say = options.onProgress ?? (() => {});
  say(`downloading ${asset} ${manifest.version} from ${manifest.assetsUrl}`);
  const sums = new TextDecoder().decode(await download(`${manifest.assetsUrl}/SHA256SUMS`, SUMS_LIMIT, options.fetcher));
  const expected = expectedSha256(sums, asset);
  if (!expected) throw new UpdateError("no-asset", `SHA256SUMS at ${manifest.assetsUrl} has no entry for ${asset}`);
  const bytes = await download(`${manifest.assetsUrl}/${asset}`, BINARY_LIMIT, options.fetcher);
  const actual = nodeCrypto().createHash("sha256").update(bytes).digest("hex");
  if (actual !== expected) {
    throw new UpdateError("checksum", `checksum mismatch for ${asset} (expected ${expected}, got ${actual}); ${target} was not changed`);
  }
  // Staged beside the target: the final rename is then atomic, and a noexec /tmp cannot stop the trial run.
  const staged = join(dirname(target), `.${basename(target)}.update-${process.pid}`);
  try {
    try {
      // Synced before the rename: after a power loss the target is the old binary or the whole new one, never a
      // truncated file under the binary's name.
      const fd = openSync(staged, "wx", 0o755);
      try {
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodSync(staged, 0o755);
    } catch (error) {
      throw new UpdateError("write-failed", `cannot write next to ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let banner: string;
    try {
      banner = await options.probeVersion(staged);
    } catch (error) {
      throw new UpdateError("broken-download", `the downloaded ${asset} does not run on this machine: ${(error as Error).message}`);
    }
    if (!banner.includes(` ${manifest.version} `) && !banner.includes(` ${manifest.version}\n`)) {
      throw new UpdateError("broken-download", `the manifest names ${manifest.version} but the download says ${JSON.stringify(banner.trim())}; ${target} was not changed`);
    }
    renameSync(staged, target);
  } finally {
    rmSync(staged, { force: true });
  }
  return { sha256: actual, asset };
}
