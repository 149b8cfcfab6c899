/** Top-level `error.code` values of the protocol (spec §3.4); there is no UNAUTHORIZED. */
export type ErrorCode = "NOT_LINKED" | "NOT_PAIRED" | "AGENT_TIMEOUT" | "INVALID_REQUEST" | "FORBIDDEN" | "APPROVAL_NOT_FOUND" | "UNAVAILABLE";

/** The wire ErrorShape: `{code, message, details?, retryable?, retryAfterMs?}`. */
export interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** The method boundary's error class: a handler throws it and the connection sends it as the response error. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; retryable?: boolean; retryAfterMs?: number } = {}) {
    super(message);
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  toShape(): ErrorShape {
    const shape: ErrorShape = { code: this.code, message: this.message };
    if (this.details !== undefined) shape.details = this.details;
    if (this.retryable !== undefined) shape.retryable = this.retryable;
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

/** The FORBIDDEN answer for a caller without the method's scope (spec §3.2). */
export function missingScope(scope: string): GatewayError {
  return new GatewayError("FORBIDDEN", `missing scope: ${scope}`, {
    details: { code: "MISSING_SCOPE", missingScope: scope, requiredScopes: [scope] },
  });
}
