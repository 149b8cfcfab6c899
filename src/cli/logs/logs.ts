import { sleep } from "../../platform/sleep.ts";
import { defineCommand } from "citty";
import { GatewayClient } from "../../client/client.ts";
import { Deadline } from "../../client/deadline.ts";
import { GatewayClientError } from "../../client/errors.ts";
import { backendIdentity, CLI_IDENTITY } from "../../client/identity.ts";
import { planCall, type CallPlan } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { CliError, cliContext, type CliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs } from "../gateway/_rpc.ts";
import { LogPrinter, type TailResult } from "./_printer.ts";

const MAX_RETRIES = 8;

// `openclaw logs`: the gateway's own log file over `logs.tail` with a cursor. `--follow` keeps polling on
// one connection, reconnects with back-off when it drops, and says so when the file was rotated (`reset`).
// Never falls back to reading a file directly: an unreachable gateway fails fast.
export default defineCommand({
  meta: { name: "logs", description: "Tail the gateway's log file over RPC; --follow keeps polling (exit 0 ok, 1 failure)" },
  args: {
    follow: { type: "boolean", description: "Keep polling for new lines (Ctrl-C to stop)" },
    limit: { type: "string", description: "Max lines per read, 1-5000 (default 200)", valueHint: "n" },
    tail: { type: "string", description: "Print the last N lines, 1-5000 (seed spelling of --limit)", valueHint: "n" },
    "max-bytes": { type: "string", description: "Max bytes per read, 1-1000000 (default 250000)", valueHint: "n" },
    interval: { type: "string", description: "Polling interval with --follow in ms (default 1000)", valueHint: "ms" },
    plain: { type: "boolean", description: "Plain text without colours" },
    utc: { type: "boolean", description: "Show times in UTC" },
    "local-time": { type: "boolean", description: "Show times in local time (default)" },
    ...targetArgs,
    timeout: { type: "string", description: "Deadline in ms (default 30000); with --follow it bounds each connect and each poll", valueHint: "ms" },
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const timeoutMs = parseTimeoutMs(args.timeout, 30_000);
    if (args.tail !== undefined && args.limit !== undefined) throw new CliError("Use either --tail or --limit, not both.");
    const limit = args.tail !== undefined ? intArg(args.tail, "--tail", 200, 1, 5000) : intArg(args.limit, "--limit", 200, 1, 5000);
    const maxBytes = intArg(args["max-bytes"], "--max-bytes", 250_000, 1, 1_000_000);
    const intervalMs = intArg(args.interval, "--interval", 1000, 1, 3_600_000);
    const json = Boolean(args.json);
    const printer = new LogPrinter(ctx, { json, utc: Boolean(args.utc), color: ctx.color && !args.plain });
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, args);
      // `--url`: the CLI identity; the implicit local gateway: the backend identity (spec §2.2).
      const preferred = target.urlSource === "cli --url" ? CLI_IDENTITY : backendIdentity("gateway:logs.tail");
      const plan = planCall(target.auth, "logs.tail", preferred);
      if (!args.follow) {
        const deadline = Deadline.after(timeoutMs);
        const client = await connect(target, plan, deadline);
        try {
          printer.result(await client.request<TailResult>("logs.tail", { limit, maxBytes }, { deadline }), true);
        } finally {
          void client.close();
        }
        return 0;
      }
      return await follow(ctx, target, plan, printer, { limit, maxBytes, intervalMs, timeoutMs, json });
    } catch (error) {
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("../gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    }
  },
});

interface FollowOptions {
  limit: number;
  maxBytes: number;
  intervalMs: number;
  /** With --follow there is no end, so --timeout bounds each connect and each poll. */
  timeoutMs: number;
  json: boolean;
}

/** Polls forever on one connection; a dropped connection is retried with back-off (1 s ×2 … 30 s, 8 times). */
async function follow(ctx: CliContext, target: GatewayTarget, plan: CallPlan, printer: LogPrinter, options: FollowOptions): Promise<number> {
  let client: GatewayClient | undefined;
  let cursor: number | undefined;
  let failures = 0;
  let connectedOnce = false;
  for (;;) {
    try {
      if (!client?.isOpen) {
        client = await connect(target, plan, Deadline.after(options.timeoutMs));
        if (failures > 0) printer.connectionNotice("[logs] gateway reconnected", { reconnected: true });
        failures = 0;
        connectedOnce = true;
      }
      const params = cursor === undefined ? { limit: options.limit, maxBytes: options.maxBytes } : { cursor, limit: options.limit, maxBytes: options.maxBytes };
      const result = await client.request<TailResult>("logs.tail", params, { deadline: Deadline.after(options.timeoutMs) });
      // A vanished file answers cursor 0 without `reset`; a cursor moving backwards is a rotation too.
      const rotated = Boolean(result.reset) || (cursor !== undefined && result.cursor < cursor);
      printer.result({ ...result, reset: rotated }, cursor === undefined);
      cursor = result.cursor;
      // A full window means more is waiting: read it now instead of after the interval.
      if (result.lines.length < options.limit) await sleep(options.intervalMs);
    } catch (error) {
      // Not reachable at the start fails fast (no silent waiting); a drop later is retried.
      if (!connectedOnce || !isRecoverable(error) || failures >= MAX_RETRIES) throw error;
      void client?.close();
      client = undefined;
      failures++;
      const delay = Math.min(1000 * 2 ** (failures - 1), 30_000);
      printer.connectionNotice(`[logs] gateway connection lost (${(error as Error).message}); retrying in ${delay}ms (${failures}/${MAX_RETRIES})`, { retry: failures, delayMs: delay });
      await sleep(delay);
    }
  }
}

function connect(target: GatewayTarget, plan: CallPlan, deadline: Deadline): Promise<GatewayClient> {
  return GatewayClient.connect({ url: target.url, identity: plan.identity, scopes: plan.scopes, auth: target.auth, tlsFingerprint: target.tlsFingerprint, deadline });
}

/** Transport trouble is worth retrying; a refusal (auth, bad params) is not. */
function isRecoverable(error: unknown): boolean {
  if (!(error instanceof GatewayClientError)) return false;
  if (error.kind === "connect" || error.kind === "request") return error.code === "UNAVAILABLE";
  return error.kind === "unreachable" || error.kind === "timeout" || error.kind === "closed" || error.kind === "protocol";
}

function intArg(value: unknown, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`Expected ${flag} to be an integer ${min}-${max}, got ${JSON.stringify(value)}`);
  return n;
}
