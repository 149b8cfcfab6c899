import { lazyMethods } from "../surface/lazy-methods.ts";
import { healthMethods } from "./health.ts";
import { presenceMethods } from "./presence.ts";
import { statusMethods } from "./status.ts";
import type { MethodHandler } from "./types.ts";

// Families whose modules (zod schemas, JSON5, the config writer, the secrets resolver) load on their first call:
// a gateway nobody reconfigures never pays for them at start. Names in the order hello-ok lists them; a test
// (tests/gateway/lazy-methods.test.ts) holds each list equal to its module's keys.
export const CONFIG_METHODS = ["config.get", "config.schema", "config.set", "config.patch", "config.apply"] as const;
export const LOGS_METHODS = ["logs.tail"] as const;
export const GATEWAY_METHODS = ["gateway.restart.request", "gateway.restart"] as const;
export const SECRETS_METHODS = ["secrets.reload"] as const;

/** Every RPC method this gateway implements; `hello-ok.features.methods` is exactly these names. */
export function allMethods(): Record<string, MethodHandler> {
  return Object.assign(
    Object.create(null) as Record<string, MethodHandler>,
    healthMethods,
    statusMethods,
    presenceMethods,
    lazyMethods(CONFIG_METHODS, async () => (await import("./config.ts")).configMethods),
    lazyMethods(LOGS_METHODS, async () => (await import("./logs.ts")).logsMethods),
    lazyMethods(GATEWAY_METHODS, async () => (await import("./gateway.ts")).gatewayMethods),
    lazyMethods(SECRETS_METHODS, async () => (await import("./secrets.ts")).secretsMethods),
  );
}

/** Methods whose repeat with the same idempotency key must return the first result (side effects). */
export const SIDE_EFFECT_METHODS: ReadonlySet<string> = new Set([
  "config.set",
  "config.patch",
  "config.apply",
  "gateway.restart.request",
  "gateway.restart",
  "secrets.reload",
]);
