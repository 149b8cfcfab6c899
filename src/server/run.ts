import type { GatewayRunOptions } from "./options.ts";

/** Starts the gateway, wires OS signals, and resolves with the exit code once it has stopped. */
export async function runGatewayUntilStopped(options: GatewayRunOptions): Promise<number> {
  const { startGateway } = await import("./gateway.ts");
  const { GatewayStartError } = await import("./start-errors.ts");
  let handle;
  try {
    handle = await startGateway(options);
  } catch (error) {
    if (error instanceof GatewayStartError) {
      options.err(`Error: ${error.message}`);
      if (error.hint) options.err(error.hint);
      return error.exitCode(options.env);
    }
    throw error;
  }
  for (const url of handle.urls) options.out(`Gateway listening on ${url}`);
  // Where a new user goes next: the browser UI, and a CLI line that reaches this very gateway.
  const localUrl = handle.urls.find((url) => url.includes("//127.0.0.1:")) ?? handle.urls[0]!;
  if (handle.core.config().config.gateway?.controlUi?.enabled !== false) options.out(`Control UI: ${localUrl.replace(/^ws/, "http")}/`);
  if (handle.generatedToken) {
    options.out(`No gateway token configured: this run uses the token ${handle.generatedToken}`);
    options.out("Set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN) to keep one across restarts.");
  } else if (options.dev) {
    const token = handle.core.auth.token;
    if (token) options.out(`Dev token: ${token}`);
    // From a checkout (`npm start`) the CLI is `npm run openclaw --`. `--dev` finds this gateway through the
    // dev config; a port or token given by flag or env only for this run needs the explicit URL and token.
    const cli = options.env.npm_lifecycle_event ? "npm run openclaw --" : "openclaw";
    const adHoc = options.overrides?.port || options.overrides?.token || options.env.OPENCLAW_GATEWAY_PORT || options.env.OPENCLAW_GATEWAY_TOKEN;
    if (!adHoc) options.out(`CLI: ${cli} --dev gateway health`);
    else options.out(`CLI: ${cli} gateway health --url ${localUrl}${token ? ` --token ${token}` : ""}`);
  }

  const stop = (signal: string) => void handle.stop(`gateway stopping (${signal})`);
  const restartEnabled = () => handle.core.config().config.commands?.restart !== false;
  const restart = (signal: string) => {
    if (restartEnabled()) void handle.restart(signal);
    else handle.logger.warn(`${signal} ignored: commands.restart is false`);
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ["SIGINT", () => stop("SIGINT")],
    ["SIGTERM", () => stop("SIGTERM")],
  ];
  // SIGUSR1 is what this gateway documents; SIGUSR2 is what the reference moved to. Windows has neither.
  if (process.platform !== "win32") handlers.push(["SIGUSR1", () => restart("SIGUSR1")], ["SIGUSR2", () => restart("SIGUSR2")]);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  // After the handlers: a SIGTERM during the exposure must still drain (and undo the mapping).
  const tailscale = await exposeTailscale(options, handle);
  if (!tailscale.ok) await handle.stop("tailscale exposure failed");
  try {
    const code = await handle.stopped;
    return tailscale.ok ? code : 1;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    if (tailscale.resetOnExit) await tailscale.exposure?.reset().catch((error) => options.err(`tailscale reset failed: ${(error as Error).message}`));
  }
}

type Exposure = Awaited<ReturnType<typeof import("../service/tailscale.ts").exposeViaTailscale>>;

/** `--tailscale serve|funnel` (or `gateway.tailscale.mode`): map the port, read the mapping back, fail loudly. */
async function exposeTailscale(
  options: GatewayRunOptions,
  handle: import("./gateway.ts").GatewayHandle,
): Promise<{ ok: boolean; exposure?: Exposure; resetOnExit: boolean }> {
  const config = handle.core.config().config.gateway?.tailscale;
  const mode = options.tailscale ?? config?.mode ?? "off";
  const resetOnExit = options.tailscaleResetOnExit ?? config?.resetOnExit ?? false;
  if (mode === "off") return { ok: true, resetOnExit: false };
  const { exposeViaTailscale, TailscaleError } = await import("../service/tailscale.ts");
  const { createRunner } = await import("../service/runner.ts");
  try {
    const exposure = await exposeViaTailscale({ mode, port: handle.port, authMode: handle.core.auth.mode, run: createRunner(options.env) });
    options.out(`Tailscale ${mode}: ${exposure.url ?? "mapping active"} → 127.0.0.1:${handle.port}`);
    return { ok: true, exposure, resetOnExit };
  } catch (error) {
    if (!(error instanceof TailscaleError)) throw error;
    options.err(`Error: ${error.message}`);
    if (error.hint) options.err(error.hint);
    return { ok: false, resetOnExit: false };
  }
}
