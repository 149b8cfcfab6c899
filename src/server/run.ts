import type { GatewayRunOptions } from "./options.ts";

/** Starts the gateway and resolves with the exit code once it has stopped. */
export async function runGatewayUntilStopped(options: GatewayRunOptions): Promise<number> {
  const { loadConfig } = await import("../config/load.ts");
  const snapshot = loadConfig(options.paths, options.env);
  if (snapshot.config.gateway?.mode !== "local" && !options.allowUnconfigured) {
    options.err("Gateway start blocked: set gateway.mode=local (current: " + (snapshot.config.gateway?.mode ?? "unset") + ")");
    options.err(`Hint: openclaw config set gateway.mode local, or pass --allow-unconfigured. Config: ${options.paths.configPath}`);
    return 1;
  }
  options.err("gateway server: not built yet");
  return 1;
}
