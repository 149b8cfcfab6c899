// The client boundary's only error class (style habit 10): every failure of resolving, connecting or
// calling a gateway is a GatewayClientError whose `kind` says what went wrong and whose fields carry the
// data; the CLI maps it to text and exit codes in one place.

/** What went wrong, from the caller's point of view. */
export type GatewayClientErrorKind =
  /** The target was refused before any connection: bad flags, missing credentials, insecure URL. */
  | "config"
  /** Nothing accepted a connection at the URL (refused, DNS, TLS handshake). */
  | "unreachable"
  /** The wss:// certificate did not match the pinned SHA-256 fingerprint. */
  | "tls"
  /** The command's deadline passed before the gateway answered. */
  | "timeout"
  /** The socket closed before the answer arrived. */
  | "closed"
  /** The gateway refused `connect` with an error frame (auth, protocol, pairing). */
  | "connect"
  /** The gateway answered a request with `ok:false`. */
  | "request"
  /** The peer sent something that is not the protocol (bad JSON, no challenge nonce). */
  | "protocol";

export interface GatewayClientErrorInit {
  url?: string;
  /** Protocol `error.code` (INVALID_REQUEST, NOT_PAIRED, FORBIDDEN, UNAVAILABLE, …). */
  code?: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
  /** Close frame seen, when the socket closed. */
  close?: { code: number; reason: string };
  /** True once the gateway itself answered (a protocol error counts): the target is reachable. */
  gatewayAnswered?: boolean;
  cause?: unknown;
}

/** A failure at the client boundary; `message` is one line written for people, the rest is data. */
export class GatewayClientError extends Error {
  override readonly name = "GatewayClientError";
  readonly kind: GatewayClientErrorKind;
  readonly url?: string;
  readonly code?: string;
  readonly details?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly close?: { code: number; reason: string };
  readonly gatewayAnswered: boolean;

  constructor(kind: GatewayClientErrorKind, message: string, init: GatewayClientErrorInit = {}) {
    super(message, { cause: init.cause });
    this.kind = kind;
    this.url = init.url;
    this.code = init.code;
    this.details = init.details;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.close = init.close;
    this.gatewayAnswered = init.gatewayAnswered ?? (kind === "connect" || kind === "request");
  }

  /** `details.code` of a protocol error (AUTH_TOKEN_MISMATCH, DEVICE_IDENTITY_REQUIRED, MISSING_SCOPE, …). */
  get detailCode(): string | undefined {
    const code = (this.details as { code?: unknown } | null | undefined)?.code;
    return typeof code === "string" ? code : undefined;
  }
}

/** Narrowing helper for catch blocks. */
export function isGatewayClientError(error: unknown): error is GatewayClientError {
  return error instanceof GatewayClientError;
}
