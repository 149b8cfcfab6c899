// Starts the gateway in this process (the library API) in a temp state dir on a free port: for the tests that
// must reach inside it (its heap, its core's phase, a fake clock, a chosen feature set) where a spawned one cannot.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { startGateway, type GatewayHandle } from "../../src/server/gateway.ts";
import type { GatewayOptions } from "../../src/server/options.ts";
import { freePort } from "./gateway.ts";

export interface InProcessGateway {
  gw: GatewayHandle;
  dir: string;
  token: string;
}

export interface InProcessOptions {
  /** The config; its gateway.mode/port/auth are filled in. */
  config?: Record<string, any>;
  /** Added to the environment the gateway sees (which holds only OPENCLAW_STATE_DIR otherwise). */
  env?: Record<string, string>;
  version?: string;
  features?: GatewayOptions["features"];
}

const started: InProcessGateway[] = [];

/** Starts a gateway with a silent logger writing to gateway.log in its state dir; removes the dir if start fails. */
export async function startInProcessGateway(options: InProcessOptions = {}): Promise<InProcessGateway> {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-inproc-"));
  const token = "inproc-token-" + crypto.randomUUID();
  const config = options.config ?? {};
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify({ ...config, gateway: { ...config.gateway, mode: "local", port: freePort(), auth: { token } } }));
  const env = { OPENCLAW_STATE_DIR: dir, ...options.env };
  const logger = createGatewayLogger({ file: join(dir, "gateway.log"), console: { out() {}, err() {} } });
  try {
    const gw = await startGateway({ paths: resolveProfilePaths(undefined, { env }), env, version: options.version ?? "0.0.0-test", logger, features: options.features });
    const entry = { gw, dir, token };
    started.push(entry);
    return entry;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops every gateway this file started in process and removes their state dirs (call from afterAll). */
export async function stopInProcessGateways(): Promise<void> {
  for (const { gw, dir } of started.splice(0)) {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
