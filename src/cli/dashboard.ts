import { defineCommand } from "citty";
import { cliContext, CliError } from "./context.ts";

/**
 * `openclaw dashboard`: the Control UI URL of the local gateway, with the token in the URL fragment (browsers never
 * send a fragment, and the page strips it at once). Opens a browser only on an interactive terminal.
 */
export default defineCommand({
  meta: { name: "dashboard", description: "Print (and on a terminal, open) the Control UI URL with the gateway token" },
  args: {
    open: { type: "boolean", default: true, negativeDescription: "Print the URL but do not launch a browser" },
    json: { type: "boolean", description: "Print { url, httpUrl, wsUrl, port, tokenIncluded } and open nothing" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const { targetFromArgs } = await import("./gateway/_rpc.ts");
    const target = targetFromArgs(ctx, {});
    const gateway = target.config?.config.gateway;
    if (gateway?.controlUi?.enabled === false) {
      throw new CliError("the Control UI is disabled (gateway.controlUi.enabled is false)", 1, "Run `openclaw config set gateway.controlUi.enabled true`.");
    }
    const tls = gateway?.tls?.enabled === true;
    const httpUrl = `${tls ? "https" : "http"}://127.0.0.1:${target.localPort}/`;
    const token = target.auth?.token;
    const url = token ? `${httpUrl}#token=${encodeURIComponent(token)}` : httpUrl;
    if (context.args.json) {
      ctx.out(JSON.stringify({ ok: true, url, httpUrl, wsUrl: `${tls ? "wss" : "ws"}://127.0.0.1:${target.localPort}`, port: target.localPort, tokenIncluded: Boolean(token) }, null, 2));
      return 0;
    }
    ctx.out(`Control UI: ${url}`);
    if (!token) ctx.out(target.auth?.password ? "Sign in with the gateway password." : "No gateway token configured: the page asks for one.");
    if (context.args.open !== false && process.stdout.isTTY) await openBrowser(url, ctx.err);
    return 0;
  },
});

async function openBrowser(url: string, err: (text: string) => void): Promise<void> {
  const argv = process.platform === "darwin" ? ["open", url] : process.platform === "win32" ? ["cmd", "/c", "start", "", url] : ["xdg-open", url];
  try {
    const child = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    child.unref();
  } catch {
    err(`Could not launch a browser (${argv[0]}); open the URL above yourself.`);
  }
}
