import { configMethods } from "./config.ts";
import { gatewayMethods } from "./gateway.ts";
import { healthMethods } from "./health.ts";
import { logsMethods } from "./logs.ts";
import { presenceMethods } from "./presence.ts";
import { secretsMethods } from "./secrets.ts";
import { statusMethods } from "./status.ts";
import type { MethodHandler } from "./types.ts";

/** Every RPC method this gateway implements; `hello-ok.features.methods` is exactly these names. */
export function allMethods(): Record<string, MethodHandler> {
  return Object.assign(
    Object.create(null) as Record<string, MethodHandler>,
    healthMethods,
    statusMethods,
    presenceMethods,
    configMethods,
    logsMethods,
    gatewayMethods,
    secretsMethods,
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
