// A local release host for the installer and `openclaw update` tests: release folders served on 127.0.0.1 the
// way the real download URL lays them out (`<base>/<asset>`, `<base>/SHA256SUMS`), with no network involved.
import { join } from "node:path";

/**
 * Serves `/<release>/<file>` from `roots[release]`. The release named "bad" answers SHA256SUMS with a digest that
 * matches no asset, so a test can show that a checksum mismatch is refused.
 */
export function serveReleases(roots: Record<string, string>, asset: string): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const match = /^\/(\w+)\/([\w.-]+)$/.exec(new URL(request.url).pathname);
      const root = match && roots[match[1]!];
      if (!match || !root) return new Response("not found", { status: 404 });
      if (match[1] === "bad" && match[2] === "SHA256SUMS") return new Response(`${"0".repeat(64)}  ${asset}\n`);
      const file = Bun.file(join(root, match[2]!));
      return (await file.exists()) ? new Response(file) : new Response("not found", { status: 404 });
    },
  });
}
