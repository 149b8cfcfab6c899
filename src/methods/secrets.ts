// `secrets.reload`: re-resolve every SecretRef of the active config and swap the runtime snapshot atomically.
// A failed resolution changes nothing and names each failing ref by config path (never a value).
import { GatewayError } from "../protocol/errors.ts";
import type { MethodFamily } from "./types.ts";

export const secretsMethods: MethodFamily = {
  "secrets.reload": async (params, { gateway }) => {
    if (params !== undefined && params !== null && (typeof params !== "object" || Array.isArray(params) || Object.keys(params).length > 0)) {
      throw new GatewayError("INVALID_REQUEST", "secrets.reload takes no params");
    }
    const result = await gateway.reloadSecrets();
    if (!result.ok) {
      const first = result.errors[0]!;
      throw new GatewayError("UNAVAILABLE", `secrets reload failed, still using the last good snapshot: ${result.errors.map((e) => e.message).join("; ")}`, {
        details: { code: "SECRETS_RELOAD_FAILED", path: first.path, errors: result.errors },
      });
    }
    return result;
  },
};
