// The zod schema of the sections the gateway owns. Imported lazily (zod costs ~3.5 ms), never on the
// `--version` path. Owned sections are `.strict()` so a typo is rejected with its key path; every other
// top-level section (agents, models, channels, hooks, …) is kept as authored so a real user's config loads.
import { z } from "zod";

export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;
export const BIND_MODES = ["loopback", "lan", "tailnet", "auto", "custom"] as const;
export const AUTH_MODES = ["none", "token", "password", "trusted-proxy"] as const;
export const RELOAD_MODES = ["off", "hot", "restart", "hybrid"] as const;

const port = z.number().int().min(1).max(65535);
const anything = z.unknown();

/** A SecretRef (gateway/secrets/secretref-contract): resolved into the runtime snapshot, never written back. */
const secretRef = z
  .object({
    source: z.enum(["env", "file", "exec"]),
    provider: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/).optional(),
    id: z.string().min(1).max(256),
  })
  .strict();
/** A plaintext secret or a SecretRef. */
const secretInput = z.union([z.string(), secretRef]);

const rateLimit = z
  .object({
    maxAttempts: z.number().int().min(1),
    windowMs: z.number().int().min(1),
    lockoutMs: z.number().int().min(0),
    exemptLoopback: z.boolean(),
  })
  .partial()
  .strict();

const trustedProxy = z
  .object({
    userHeader: z.string().min(1),
    requiredHeaders: z.array(z.string()),
    allowUsers: z.array(z.string()),
    allowLoopback: z.boolean(),
  })
  .partial()
  .strict();

const auth = z
  .object({
    mode: z.enum(AUTH_MODES),
    token: secretInput,
    password: secretInput,
    trustedProxy,
    allowTailscale: z.boolean(),
    identityScopes: z.record(z.string(), z.array(z.string())),
    rateLimit,
  })
  .partial()
  .strict();

/** The canvas host's own keys, under `gateway.canvasHost` (seed 004) or top level (the reference): src/canvas/settings.ts. */
const canvasHost = z.object({ enabled: z.boolean(), root: z.string().min(1), port, liveReload: z.boolean() }).partial();

const endpointToggle = z.object({ enabled: z.boolean() }).partial().loose();

const gateway = z
  .object({
    mode: z.enum(["local", "remote"]),
    port,
    // A mode, or a literal IPv4/IPv6 address to listen on (seed 004: `bind: "loopback" | "tailnet" | "lan" | <ip>`).
    bind: z.union([z.enum(BIND_MODES), z.union([z.ipv4(), z.ipv6()])]),
    customBindHost: z.string().min(1),
    publicOrigin: z.string(),
    auth,
    reload: z
      .object({
        mode: z.enum(RELOAD_MODES),
        debounceMs: z.number().int().min(0).max(60_000),
        deferralTimeoutMs: z.number().int().min(0),
      })
      .partial()
      .strict(),
    controlUi: z
      .object({
        enabled: z.boolean(),
        allowedOrigins: z.array(z.string()),
        basePath: z.string(),
        root: z.string(),
        environment: anything,
        communityInvite: z.boolean(),
        github: anything,
        embedSandbox: z.string(),
        allowExternalEmbedUrls: z.boolean(),
        automaticallyFetchFavicons: z.boolean(),
        dangerouslyAllowHostHeaderOriginFallback: z.boolean(),
        dangerouslyDisableDeviceAuth: z.boolean(),
        experimental: anything,
      })
      .partial()
      .strict(),
    remote: z
      .object({
        url: z.string(),
        transport: z.enum(["ssh", "direct"]),
        token: secretInput,
        password: secretInput,
        sshTarget: z.string(),
        sshIdentity: z.string(),
        remotePort: port,
        tlsFingerprint: z.string(),
        edgeAuth: anything,
      })
      .partial()
      .strict(),
    tls: z
      .object({
        enabled: z.boolean(),
        autoGenerate: z.boolean(),
        certPath: z.string(),
        keyPath: z.string(),
        caPath: z.string(),
      })
      .partial()
      .strict(),
    tailscale: z
      .object({
        mode: z.enum(["off", "serve", "funnel"]),
        resetOnExit: z.boolean(),
        preserveFunnel: z.boolean(),
      })
      .partial()
      .strict(),
    http: z
      .object({
        endpoints: z
          .object({ chatCompletions: endpointToggle, responses: endpointToggle })
          .partial()
          .strict(),
        securityHeaders: anything,
      })
      .partial()
      .strict(),
    // Seed 004's spelling of the canvas host (the reference also reads top-level `canvasHost`): src/canvas/settings.ts.
    canvasHost: canvasHost.strict(),
    // Reference keys we do not act on yet: accepted so existing configs load, validated later by their owners.
    roles: anything,
    cliAgents: anything,
    terminal: anything,
    trustedProxies: z.array(z.string()),
    allowRealIpFallback: z.boolean(),
    // The keys the nodes and devices features read are typed; the reference's others pass (src/nodes/policy.ts).
    nodes: z
      .object({
        commands: z.object({ allow: z.array(z.string()), deny: z.array(z.string()) }).partial().loose(),
        pairing: z.object({ autoApproveLocal: z.boolean() }).partial().loose(),
      })
      .partial()
      .loose(),
    tools: anything,
    push: anything,
  })
  .partial()
  .strict();

const level = z.enum(LOG_LEVELS);

const logging = z
  .object({
    level,
    file: z.string().min(1),
    consoleLevel: level,
    consoleStyle: z.enum(["pretty", "compact", "json"]),
    maxFileBytes: z.number().int().min(1024),
    retentionDays: z.number().int().min(1).max(3650),
    redactPatterns: z.array(z.string()),
    redactSensitive: anything,
    audit: anything,
  })
  .partial()
  .strict();

const discovery = z
  .object({
    mdns: z
      .object({
        enabled: z.boolean(),
        mode: z.string(),
        instanceName: z.string().min(1),
        sshPort: port,
        cliPath: z.string(),
      })
      .partial()
      .strict(),
    wideArea: z
      .object({ enabled: z.boolean(), domain: z.string().min(1), nameserver: z.string().min(1) })
      .partial()
      .strict(),
    timeoutMs: z.number().int().min(1),
    count: z.number().int().min(1),
  })
  .partial()
  .strict();

const commands = z.object({ restart: z.boolean() }).partial().loose();

// Keys of wave-two features read straight from the config: typed here so a bad value is refused before it is written,
// the reference's other keys in these sections pass through.
const cron = z.object({ enabled: z.boolean(), skipMissedJobs: z.boolean() }).partial().loose();

/** The whole file: owned sections strict, the rest kept verbatim. */
export const ConfigSchema = z
  .object({ $schema: z.string(), gateway, logging, discovery, commands, cron, canvasHost: canvasHost.loose() })
  .partial()
  .loose();

export type OpenClawConfig = z.infer<typeof ConfigSchema>;

/** Validates a parsed config and returns dotted-path issues instead of throwing. */
export function validateConfig(
  value: unknown,
): { ok: true; config: OpenClawConfig } | { ok: false; issues: { path: string; message: string }[] } {
  const result = ConfigSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path, issue.code === "unrecognized_keys" ? issue.keys : undefined),
      message: issue.message,
    })),
  };
}

function formatIssuePath(path: PropertyKey[], unknownKeys?: string[]): string {
  const base = path.map(String).join(".");
  // A typo is reported at the typo itself (`gateway.prot`), not at its parent object.
  if (unknownKeys && unknownKeys.length === 1) return base ? `${base}.${unknownKeys[0]}` : String(unknownKeys[0]);
  return base || "(root)";
}

/** JSON Schema of the owned sections, for `config.schema` and editors. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { unrepresentable: "any" });
}
