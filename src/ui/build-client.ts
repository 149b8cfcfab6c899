// A bundle-time macro (imported by assets.ts `with { type: "macro" }`): it runs while Bun transpiles
// assets.ts — inside `bun build --compile` (build.ts) for the release binary, or on the first UI request
// when the gateway runs from source — and its result is inlined as a literal, so the binary carries the
// page and never reads these files at run time. Bun.build cannot be called from a macro (the bundler
// would wait on itself), so the Bun CLI bundles and minifies the client in a child process.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The page's static files, minified, with one content hash naming their folder. */
export interface ClientAssets {
  js: string;
  css: string;
  icon: string;
  hash: string;
}

export function clientAssets(): ClientAssets {
  const dir = join(import.meta.dir, "client");
  const js = bunBuild(join(dir, "app.ts"), ["--target=browser", "--format=esm"]);
  const css = bunBuild(join(dir, "app.css"), []);
  const icon = readFileSync(join(dir, "icon.svg"), "utf8").trim();
  const hasher = new Bun.CryptoHasher("sha256");
  for (const part of [js, css, icon]) hasher.update(part).update("\0");
  return { js, css, icon, hash: hasher.digest("hex").slice(0, 16) };
}

function bunBuild(entry: string, flags: string[]): string {
  const run = Bun.spawnSync([process.execPath, "build", entry, "--minify", ...flags], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (run.exitCode !== 0) throw new Error(`control UI: bun build ${entry} failed:\n${run.stderr.toString()}`);
  return run.stdout.toString().trim();
}
