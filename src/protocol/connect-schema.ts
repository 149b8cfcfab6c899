import { z } from "zod";
import { CLIENT_IDS, CLIENT_MODES } from "./constants.ts";
import { describeIssue } from "./issues.ts";

const optionalString = z.string().optional();

/** `connect.params.client` (closed). */
const ClientInfo = z
  .object({
    id: z.enum(CLIENT_IDS),
    version: z.string(),
    platform: z.string(),
    mode: z.enum(CLIENT_MODES),
    displayName: optionalString,
    buildId: z.string().max(96).optional(),
    deviceFamily: optionalString,
    modelIdentifier: optionalString,
    timeZone: z.string().max(64).optional(),
    instanceId: optionalString,
  })
  .strict();

/** Device identity (spec §2.4); accepted now, verified when pairing arrives. */
const DeviceIdentity = z
  .object({ id: z.string(), publicKey: z.string(), signature: z.string(), signedAt: z.number().int(), nonce: z.string() })
  .strict();

const ConnectAuth = z
  .object({
    token: optionalString,
    bootstrapToken: optionalString,
    deviceToken: optionalString,
    password: optionalString,
    approvalRuntimeToken: optionalString,
    agentRuntimeIdentityToken: optionalString,
  })
  .strict();

/** The closed ConnectParams object of protocol v4 (spec §2.2); connect.ts mirrors it for the fast path. */
export const ConnectParams = z
  .object({
    minProtocol: z.number().int().min(1),
    maxProtocol: z.number().int().min(1),
    client: ClientInfo,
    caps: z.array(z.string()).optional(),
    commands: z.unknown().optional(),
    computerUse: z.unknown().optional(),
    workerRuns: z.unknown().optional(),
    permissions: z.record(z.string(), z.boolean()).optional(),
    pathEnv: z.unknown().optional(),
    role: optionalString,
    scopes: z.array(z.string()).optional(),
    modelCatalog: z.unknown().optional(),
    device: DeviceIdentity.optional(),
    auth: ConnectAuth.optional(),
    locale: optionalString,
    userAgent: optionalString,
  })
  .strict();

export type ConnectParams = z.infer<typeof ConnectParams>;

/** Validates connect params with zod; the failure text is the reference's `invalid connect params: …`. */
export function parseConnectParamsStrict(params: unknown): { ok: true; value: ConnectParams } | { ok: false; message: string } {
  const result = ConnectParams.safeParse(params ?? {});
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: `invalid connect params: ${describeIssue(result.error.issues[0]!)}` };
}
