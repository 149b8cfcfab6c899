// The gateway client: one WebSocket RPC client for every command (src/client/README in one line each).
export { GatewayClient, type ConnectOptions, type HelloOk, type RequestOptions } from "./client.ts";
export { Deadline, sleepWithin } from "./deadline.ts";
export { GatewayClientError, isGatewayClientError, type GatewayClientErrorKind } from "./errors.ts";
export { backendIdentity, CLI_IDENTITY, connectParams, PROBE_IDENTITY, scopesFor, type ClientIdentity, type ConnectAuth } from "./identity.ts";
export { callOnce, planCall, type CallPlan } from "./session.ts";
export { configuredRemote, describeCredential, resolveTarget, type CredentialOrigin, type GatewayTarget, type TargetRequest } from "./target.ts";
export { assertSecureGatewayUrl, isLoopbackHost, parseGatewayUrl } from "./url-policy.ts";
export type { EventFrame, SeqGap } from "./wire.ts";
