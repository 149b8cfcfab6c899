import { defineCommand } from "citty";
import { Deadline } from "../client/deadline.ts";
import { cliContext, CliError } from "./context.ts";
import { callWithScopes } from "./devices/_rpc.ts";
import { jsonArg, onTarget, parseTimeoutMs, timeoutArg } from "./gateway/_rpc.ts";

// `openclaw qr`: a setup code for a mobile or headless node. The reference mints it from the local state; here the
// running gateway mints it (`device.pair.setupCode`, admin), because only the gateway writes its pairing store.
// `--url`/`--public-url` set the URL inside the code, as in the reference; the gateway itself is the local one
// (`--port`, config, env) reached with `--token`/`--password`. The QR (of the setup code, as the apps scan it) is drawn
// with uqr, loaded only here; `--no-ascii` leaves it out.

const LIMITED_TRANSPORT_WARNING = "This Gateway URL uses plaintext ws://, so the setup code was limited for safety. Use wss:// or Tailscale Serve, then generate a new code for full access.";

export default defineCommand({
  meta: { name: "qr", description: "Generate a mobile pairing setup code" },
  args: {
    remote: { type: "boolean", description: "Use gateway.remote.url in the setup payload" },
    url: { type: "string", description: "Override gateway URL used in the setup payload", valueHint: "url" },
    "public-url": { type: "string", description: "Override gateway public URL used in the setup payload", valueHint: "url" },
    port: { type: "string", description: "Reach the local gateway on ws://127.0.0.1:<port>", valueHint: "port" },
    token: { type: "string", description: "Gateway token", valueHint: "token" },
    password: { type: "string", description: "Gateway password", valueHint: "password" },
    limited: { type: "boolean", description: "Pair with limited operator access (omit operator.admin)" },
    "voice-node": { type: "boolean", description: "Pair a voice node with node, read, and Talk access only" },
    "setup-code-only": { type: "boolean", description: "Print only the setup code" },
    ascii: { type: "boolean", default: true, description: "Draw the QR in the terminal (--no-ascii to skip it)" },
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const args = context.args as Record<string, unknown>;
    if (args.token && args.password) throw new CliError("Use either --token or --password, not both.");
    if (args.limited && args["voice-node"]) throw new CliError("Use either --limited or --voice-node, not both.");
    const json = Boolean(args.json);
    const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
    const publicUrl = text(args.url) ?? text(args["public-url"]);
    const params = {
      ...(publicUrl ? { publicUrl } : {}),
      ...(args.remote ? { preferRemoteUrl: true } : {}),
      ...(args["voice-node"] ? { bootstrapProfile: "voice-node" } : args.limited ? { bootstrapProfile: "limited" } : {}),
      includeQr: false,
    };
    return onTarget(ctx, { port: args.port, token: args.token, password: args.password }, { json, label: "qr failed" }, async (target) => {
      const payload = await callWithScopes(target, "device.pair.setupCode", params, Deadline.after(parseTimeoutMs(args.timeout, 10_000)), ["operator.admin"]);
      if (json) {
        const { setupCode, gatewayUrl, gatewayUrls, auth, urlSource, access, accessDowngraded } = payload;
        ctx.out(JSON.stringify({ setupCode, gatewayUrl, ...(gatewayUrls ? { gatewayUrls } : {}), auth, urlSource, access, ...(accessDowngraded ? { accessDowngraded } : {}) }, null, 2));
        return 0;
      }
      if (args["setup-code-only"]) {
        if (payload.accessDowngraded) ctx.err(LIMITED_TRANSPORT_WARNING);
        ctx.out(payload.setupCode);
        return 0;
      }
      if (args.ascii !== false) {
        const { renderUnicodeCompact } = await import("uqr");
        ctx.out(renderUnicodeCompact(payload.setupCode, { border: 2 }));
      }
      const lines = [
        "Pairing setup code",
        "Scan the QR, or paste the code into the OpenClaw mobile app (Onboarding), or on a node host running the OpenClaw node (the reference package's `openclaw node run`) pass it with `--pair oc-pair://<code>`; this build has no node host of its own.",
        "",
        `Setup code: ${payload.setupCode}`,
        `Gateway: ${payload.gatewayUrl}`,
        `Auth: ${payload.auth}`,
        `Access: ${payload.access}`,
        ...(payload.accessDowngraded ? [LIMITED_TRANSPORT_WARNING] : []),
        `Source: ${payload.urlSource}`,
        `Expires: ${new Date(payload.expiresAtMs).toISOString()} (single use)`,
        "",
        "Approve after scan with:",
        "  openclaw devices list",
        "  openclaw devices approve <requestId>",
      ];
      for (const line of lines) ctx.out(line);
      return 0;
    });
  },
});
