import { defineCommand } from "citty";
import { sleep } from "../platform/sleep.ts";
import { GatewayClient } from "../client/client.ts";
import { Deadline } from "../client/deadline.ts";
import { GatewayClientError } from "../client/errors.ts";
import { CLI_IDENTITY } from "../client/identity.ts";
import type { GatewayTarget } from "../client/target.ts";
import { CliError, cliContext } from "./context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./gateway/_rpc.ts";

const DEFAULT_TIMEOUT_MS = 600_000;

// `openclaw agent --message …`: one agent run through the gateway (the same path as WS `agent` and the
// HTTP API). The reply streams line by line from the run's `agent` events; the outcome is the final
// response of the two-phase call, or `agent.wait` when the server answers `accepted` only.
export default defineCommand({
  meta: { name: "agent", description: "Run one agent turn through the gateway and print the reply" },
  args: {
    message: { type: "string", description: "The message to send", valueHint: "text", alias: ["m"] },
    agent: { type: "string", description: "Agent id (default: main)", valueHint: "id" },
    session: { type: "string", description: "Session key (default: the agent's main session)", valueHint: "key" },
    model: { type: "string", description: "Override the model for this turn (provider/model)", valueHint: "ref" },
    to: { type: "string", alias: ["t"], description: "A chat (e.g. a Telegram user id): the turn uses that conversation's session", valueHint: "dest" },
    deliver: { type: "boolean", description: "Send the reply to --to through its channel" },
    channel: { type: "string", description: "Channel of --to (default: the one configured)", valueHint: "name" },
    "reply-account": { type: "string", description: "Channel account to deliver from", valueHint: "id" },
    ...targetArgs,
    ...timeoutArg(DEFAULT_TIMEOUT_MS),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const message = typeof args.message === "string" ? args.message : "";
    if (!message.trim()) throw new CliError("--message is required", 1, 'Example: openclaw agent --message "hello"');
    if (typeof args.to === "string" && !args.to.trim()) throw new CliError("--to must not be blank");
    if (args.deliver && typeof args.to !== "string") throw new CliError("--deliver needs --to (the chat to deliver the reply to)");
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, DEFAULT_TIMEOUT_MS));
    const json = Boolean(args.json);
    const runId = crypto.randomUUID();
    let target: GatewayTarget | undefined;
    let client: GatewayClient | undefined;
    let pending = "";
    let streamed = "";
    const flush = (all: boolean) => {
      const cut = all ? pending.length : pending.lastIndexOf("\n") + 1;
      if (cut <= 0) return;
      for (const line of pending.slice(0, all ? cut : cut - 1).split("\n")) ctx.out(line);
      pending = pending.slice(cut);
    };
    try {
      target = targetFromArgs(ctx, args);
      client = await GatewayClient.connect({ url: target.url, identity: CLI_IDENTITY, scopes: ["operator.write"], auth: target.auth, tlsFingerprint: target.tlsFingerprint, deadline });
      client.subscribe((frame) => {
        const payload = frame.payload as { runId?: string; stream?: string; data?: { delta?: string } } | undefined;
        if (frame.event !== "agent" || payload?.runId !== runId || payload.stream !== "assistant") return;
        const delta = payload.data?.delta ?? "";
        streamed += delta;
        if (json) return;
        pending += delta;
        flush(false);
      });
      const params: Record<string, unknown> = { message, idempotencyKey: runId };
      if (typeof args.agent === "string" && args.agent) params.agentId = args.agent;
      if (typeof args.session === "string" && args.session) params.sessionKey = args.session;
      if (typeof args.model === "string" && args.model) params.model = args.model;
      if (typeof args.to === "string") params.to = args.to.trim();
      if (args.deliver) params.deliver = true;
      if (typeof args.channel === "string" && args.channel) params.channel = args.channel;
      if (typeof args["reply-account"] === "string" && args["reply-account"]) params.accountId = args["reply-account"];
      const connected = client;
      // Settles only if the server answers `accepted`; a final answer (or error) ends the race without it.
      const waited = Promise.withResolvers<unknown>();
      const final = connected.request<Record<string, any>>("agent", params, {
        deadline,
        expectFinal: true,
        onAccepted: () => {
          const wait = connected.request("agent.wait", { runId, timeoutMs: Math.max(1, Math.floor(deadline.remaining())) }, { deadline });
          wait.then(waited.resolve, waited.reject);
        },
      });
      const finalOutcome = final.then((payload) => ({ kind: "final" as const, payload }));
      // With --deliver the final response carries deliveryStatus and comes after the run ends (the send takes
      // a moment), so once agent.wait says the run is over the final still gets a grace period.
      const waitOutcome = waited.promise.then((payload) =>
        args.deliver ? Promise.race([finalOutcome, sleep(Math.min(30_000, Math.max(0, deadline.remaining()))).then(() => ({ kind: "wait" as const, payload }))]) : { kind: "wait" as const, payload },
      );
      const outcome = await Promise.race([finalOutcome, waitOutcome]);
      final.catch(() => {});
      waited.promise.catch(() => {});
      flush(true);
      const payload = outcome.kind === "final" ? outcome.payload : (outcome.payload as Record<string, any>);
      if (outcome.kind === "wait" && payload.status !== "ok") {
        if (json) ctx.out(JSON.stringify({ runId, status: payload.status === "timeout" ? "timeout" : "error", summary: payload.error ?? payload.status }, null, 2));
        else ctx.err(`Agent failed: ${payload.error ?? payload.status}`);
        return 1;
      }
      if (json) {
        const body = outcome.kind === "final" ? payload : { runId, status: "ok", summary: "completed", result: { payloads: streamed ? [{ text: streamed }] : [] } };
        // As the reference prints it: the gateway's deliveryStatus also at the top level.
        if (body.result?.deliveryStatus) body.deliveryStatus = body.result.deliveryStatus;
        ctx.out(JSON.stringify(body, null, 2));
      } else if (!streamed && outcome.kind === "final") {
        for (const p of payload.result?.payloads ?? []) ctx.out(String(p.text ?? ""));
      }
      const delivery = outcome.kind === "final" ? payload.result?.deliveryStatus : undefined;
      if (delivery && delivery.status !== "sent") {
        if (!json) ctx.err(`Delivery ${delivery.status}${delivery.error ? `: ${delivery.error}` : ""}`);
        if (delivery.status === "failed") return 1;
      }
      return 0;
    } catch (error) {
      flush(true);
      if (error instanceof GatewayClientError && error.kind === "request") {
        const details = error.details as { status?: string } | undefined;
        if (json) ctx.out(JSON.stringify({ runId, status: details?.status ?? "error", summary: error.message, error: { code: error.code, message: error.message } }, null, 2));
        else ctx.err(`Agent failed: ${error.message}`);
        return 1;
      }
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("./gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Agent failed", credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    } finally {
      void client?.close();
    }
  },
});
