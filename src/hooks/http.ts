// The hook HTTP contract on the gateway port (spec §6, reference config-hooks): under `hooks.path`, a query
// token is refused (400 text), other methods than POST get 405, the hook token (a secret of its own) is
// read from `Authorization: Bearer` or `X-OpenClaw-Token`, the body is capped (413) and timed (408), then
// `/wake`, `/agent` or the first matching mapping decides what happens.
import { MAX_BODY_BYTES, BODY_TIMEOUT_MS, MAX_FOREACH_ITEMS, normalizeSubPath, type HooksResolved, type MappingResolved } from "./config.ts";
import { dispatch, HookError, plan, type Dispatched, type Dispatcher, type HookAction, type KeySource, type PlannedAction } from "./actions.ts";
import { hasTemplate, renderTemplate, type TemplateContext } from "./templates.ts";
import { completionOf, deliverRun, directDestination, isExplicit, mappedDestination, type Completion } from "./delivery.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import type { AuthThrottle } from "../surface/auth-throttle.ts";
import { safeEqual } from "../surface/auth.ts";
import { jsonResponse, methodNotAllowed, notFound, parseJsonText, readBodyText, textResponse } from "../surface/http.ts";

export const QUERY_TOKEN_REFUSED =
  "Hook token must be provided via Authorization: Bearer <token> or X-OpenClaw-Token header (query parameters are not allowed).";

type Json = Record<string, unknown>;

export interface HookRequestDeps extends Dispatcher {
  snapshot: ConfigSnapshot;
  hooks: HooksResolved;
  /** The gateway's per-IP auth throttle (shared with WS and the HTTP APIs) and the hooks' own default limit. */
  throttles: { shared: AuthThrottle; own: AuthThrottle };
  info(message: string): void;
  warn(message: string): void;
}

/** Answers a request under the enabled hooks base path. */
export async function handleHookRequest(request: Request, url: URL, remoteAddress: string, deps: HookRequestDeps): Promise<Response> {
  const { hooks } = deps;
  if (url.searchParams.has("token")) return textResponse(QUERY_TOKEN_REFUSED, 400);
  if (request.method !== "POST") return methodNotAllowed("POST");

  const presented = hookToken(request);
  if (presented === undefined || !hooks.token || !safeEqual(presented, hooks.token)) {
    const { shared, own } = deps.throttles;
    const locked = Math.max(shared.lockedFor(remoteAddress), own.lockedFor(remoteAddress));
    if (locked > 0) {
      deps.warn(`hook auth throttled for ${remoteAddress}; retry-after=${Math.ceil(locked / 1000)}s`);
      return textResponse("Too Many Requests", 429, { "Retry-After": String(Math.max(1, Math.ceil(locked / 1000))) });
    }
    shared.recordFailure(remoteAddress);
    own.recordFailure(remoteAddress);
    return textResponse("Unauthorized", 401);
  }
  // Only the hooks' own counter resets: the hook token must not clear failures against the gateway secret.
  deps.throttles.own.recordSuccess(remoteAddress);

  const subPath = normalizeSubPath(url.pathname.slice(hooks.basePath.length));
  if (!subPath) return notFound();

  const body = await readBody(request, MAX_BODY_BYTES, BODY_TIMEOUT_MS);
  if (!body.ok) return fail(body.status, body.error);
  const payload = body.value && typeof body.value === "object" && !Array.isArray(body.value) ? (body.value as Json) : {};

  const channelIds = deps.delivery()?.channelIds() ?? [];
  try {
    if (subPath === "wake") return await respond([wakeFromRequest(payload)], deps);
    if (subPath === "agent") {
      const wait = payload.waitForCompletion;
      if (wait !== undefined && typeof wait !== "boolean") return fail(400, "waitForCompletion must be boolean");
      return await respond([agentFromRequest(payload, channelIds)], deps, wait === true);
    }
    const mapping = hooks.mappings.find((m) => (!m.matchPath || m.matchPath === subPath) && (!m.matchSource || payload.source === m.matchSource));
    if (!mapping) return notFound();
    if (mapping.transform) {
      deps.warn(`hook mapping ${mapping.id}: transforms are not supported in this build`);
      return fail(500, "hook mapping failed");
    }
    const actions = mappingActions(mapping, payload, { payload, headers: headersOf(request), query: Object.fromEntries(url.searchParams), path: subPath }, channelIds, deps.warn);
    if (actions.length === 0) return new Response(null, { status: 204 });
    return await respond(actions, deps);
  } catch (error) {
    if (error instanceof HookError) return fail(error.status, error.message);
    throw error;
  }
}

function fail(status: number, error: string, extra: Json = {}): Response {
  return jsonResponse({ ok: false, error, ...extra }, status);
}

/** A nonempty Bearer token wins; else `X-OpenClaw-Token`. */
function hookToken(request: Request): string | undefined {
  const auth = request.headers.get("authorization")?.trim() ?? "";
  if (auth.toLowerCase().startsWith("bearer ")) {
    const token = auth.slice(7).trim();
    if (token) return token;
  }
  return request.headers.get("x-openclaw-token")?.trim() || undefined;
}

function headersOf(request: Request): Record<string, string> {
  const out: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    const name = key.toLowerCase();
    // Credentials never reach templates.
    if (name !== "authorization" && name !== "x-openclaw-token" && name !== "cookie") out[name] = value;
  });
  return out;
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : undefined);

function optionalAgentId(payload: Json): string | undefined {
  if (payload.agentId === undefined) return undefined;
  const id = str(payload.agentId);
  if (!id) throw new HookError(400, "agentId must be a non-empty string");
  return id;
}

function wakeFromRequest(payload: Json): HookAction {
  const text = str(payload.text);
  if (!text) throw new HookError(400, "text required");
  const mode = payload.mode === "next-heartbeat" ? "next-heartbeat" : "now";
  const agentId = optionalAgentId(payload);
  const sessionKey = str(payload.sessionKey);
  if (payload.sessionKey !== undefined && !sessionKey) throw new HookError(400, "sessionKey must be a non-empty string");
  if (mode === "next-heartbeat" && sessionKey) throw new HookError(400, "sessionKey requires mode=now");
  return { kind: "wake", text, mode, agentId, agentFrom: "request", sessionKey, source: "wake" };
}

function agentFromRequest(payload: Json, channelIds: string[]): HookAction {
  const message = str(payload.message);
  if (!message) throw new HookError(400, "message required");
  const sessionMode = payload.sessionMode ?? "isolated";
  if (sessionMode !== "isolated" && sessionMode !== "persistent") throw new HookError(400, "sessionMode must be isolated or persistent");
  const model = str(payload.model);
  if (payload.model !== undefined && !model) throw new HookError(400, "model required");
  const destination = directDestination(payload, channelIds);
  if (!destination.ok) throw new HookError(400, destination.error);
  const timeout = payload.timeoutSeconds;
  return {
    kind: "agent",
    message,
    name: str(payload.name) ?? "Hook",
    agentId: optionalAgentId(payload),
    agentFrom: "request",
    sessionKey: str(payload.sessionKey),
    keySource: "request",
    sessionMode,
    model,
    timeoutSeconds: typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0 ? Math.max(1, Math.floor(timeout)) : undefined,
    allowUnsafeExternalContent: false,
    destination: destination.value,
    source: "agent",
  };
}

/** One action per payload (or per `forEach` item, at most 200), rendered from the mapping's templates. */
function mappingActions(mapping: MappingResolved, payload: Json, base: TemplateContext, channelIds: string[], warn: (message: string) => void): HookAction[] {
  let contexts: TemplateContext[] = [base];
  if (mapping.forEach) {
    const items = Object.hasOwn(payload, mapping.forEach) ? payload[mapping.forEach] : undefined;
    if (!Array.isArray(items) || items.length === 0) return [];
    if (items.length > MAX_FOREACH_ITEMS) warn(`hook mapping ${mapping.id}: ${items.length} items; only the first ${MAX_FOREACH_ITEMS} are processed`);
    contexts = items.slice(0, MAX_FOREACH_ITEMS).map((item) => ({ ...base, payload: { ...payload, [mapping.forEach!]: [item] } }));
  }
  return contexts.map((ctx): HookAction => {
    const source = `mapping:${mapping.id}`;
    if (mapping.action === "wake") {
      const text = renderTemplate(mapping.textTemplate, ctx).trim();
      if (!text) throw new HookError(400, `hook mapping ${mapping.id} produced an empty wake text`);
      return { kind: "wake", text, mode: mapping.wakeMode, agentId: mapping.agentId, agentFrom: "mapping", source };
    }
    const message = renderTemplate(mapping.messageTemplate, ctx).trim();
    if (!message) throw new HookError(400, `hook mapping ${mapping.id} produced an empty message`);
    let sessionKey = mapping.sessionKey;
    let keySource: KeySource = "mapping-static";
    if (sessionKey && hasTemplate(sessionKey)) {
      sessionKey = renderTemplate(sessionKey, ctx).trim();
      keySource = "mapping-templated";
      if (!sessionKey) throw new HookError(400, `hook mapping ${mapping.id} rendered an empty sessionKey`);
    }
    const destination = mappedDestination(mapping.deliver, mapping.channel, mapping.to === undefined ? undefined : renderTemplate(mapping.to, ctx), channelIds);
    if (!destination.ok) throw new HookError(400, destination.error);
    return {
      kind: "agent",
      message,
      name: renderTemplate(mapping.name ?? "", ctx).trim() || "Hook",
      agentId: mapping.agentId,
      agentFrom: "mapping",
      sessionKey,
      keySource,
      sessionMode: mapping.sessionMode,
      model: mapping.model ? renderTemplate(mapping.model, ctx).trim() || undefined : undefined,
      timeoutSeconds: mapping.timeoutSeconds,
      allowUnsafeExternalContent: mapping.allowUnsafeExternalContent,
      destination: destination.value,
      source,
    };
  });
}

/**
 * Plans every action first and checks each explicit destination's channel account (a refusal dispatches
 * nothing), then dispatches them in order. One wake: `{ok, mode, eventOutcome}`; one agent run: `{ok, runId}`
 * (and `completion` once it finished when the caller waits); a batch adds `runIds`/`dispatched`.
 */
async function respond(actions: HookAction[], deps: HookRequestDeps, waitForCompletion = false): Promise<Response> {
  const planned: PlannedAction[] = actions.map((action) => plan(action, deps.hooks, deps.snapshot));
  for (const action of planned) {
    if (action.kind !== "agent" || !isExplicit(action.destination)) continue;
    const delivery = deps.delivery();
    const checked = delivery ? await delivery.checkTarget(action.destination.channel, action.destination.accountId) : { ok: false as const, error: `Channel ${action.destination.channel} is unavailable.` };
    if (!checked.ok) throw new HookError(400, checked.error);
    action.destination = { ...action.destination, accountId: checked.accountId };
  }
  const done: Dispatched[] = [];
  const completions: Promise<Completion>[] = [];
  const errors: Array<{ status: number; message: string }> = [];
  for (const action of planned) {
    try {
      const dispatched = dispatch(action, deps);
      done.push(dispatched);
      if (dispatched.kind === "agent" && action.kind === "agent") completions.push(settle(action, dispatched, deps));
    } catch (error) {
      if (!(error instanceof HookError)) throw error;
      errors.push({ status: error.status, message: error.message });
    }
  }
  const runIds = done.flatMap((d) => (d.kind === "agent" ? [d.runId] : []));
  const wakes = done.flatMap((d) => (d.kind === "wake" ? [d] : []));
  if (errors.length > 0) {
    if (planned.length === 1) return fail(errors[0]!.status, errors[0]!.message);
    return fail(errors[0]!.status, "hook batch incomplete", { runIds, errors: errors.slice(0, 5).map((e) => e.message) });
  }
  const out: Json = { ok: true };
  if (wakes.length > 0) {
    out.mode = wakes[0]!.mode;
    out.eventOutcome = wakes.some((w) => w.outcome === "queued") ? "queued" : "coalesced";
  }
  if (runIds.length > 0) out.runId = runIds[0];
  if (planned.length > 1 && runIds.length > 0) {
    out.runIds = runIds;
    out.dispatched = runIds.length;
  }
  // Only a direct `/agent` may wait: it is one run, and admission is already answered by then.
  if (waitForCompletion && completions.length === 1) out.completion = await completions[0];
  return jsonResponse(out);
}

/** After a run finishes: its reply announced where the hook pointed, the outcome logged; never rejects. */
async function settle(action: PlannedAction & { kind: "agent" }, run: Dispatched & { kind: "agent" }, deps: HookRequestDeps): Promise<Completion> {
  try {
    const result = await run.done;
    const delivered = await deliverRun(action.destination, action.agentFrom === "request", result, action.agentId, deps.delivery());
    const facts = [`status=${result.status}`, delivered.target ? `to=${delivered.target}` : "", delivered.delivered ? "delivered" : "", delivered.deliverySuppressionReason ? `suppressed=${delivered.deliverySuppressionReason}` : "", delivered.error ? `deliveryError=${delivered.error}` : ""];
    (result.status !== "ok" || delivered.error ? deps.warn : deps.info)(`hook agent run ${run.runId} completed (${action.source}) ${facts.filter(Boolean).join(" ")}`);
    return completionOf(result, delivered);
  } catch (error) {
    deps.warn(`hook agent run ${run.runId}: completion failed: ${(error as Error)?.message ?? String(error)}`);
    return { status: "error", replyDisposition: "empty" };
  }
}

type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: string };

/** Reads the body up to `maxBytes` within `timeoutMs`; empty is `{}`. */
async function readBody(request: Request, maxBytes: number, timeoutMs: number): Promise<BodyResult> {
  const read = await readBodyText(request, maxBytes, timeoutMs);
  if (!read.ok) return { ok: false, status: read.status, error: read.error };
  if (!read.text.trim()) return { ok: true, value: {} };
  const parsed = parseJsonText(read.text);
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, status: 400, error: parsed.error };
}
