// Preloaded into a CLI subprocess by imports.test.ts: records every src/ module as it loads (Bun's
// runtime plugin onLoad) and the moment a WebSocket is constructed, in order, to $OPENCLAW_TRACE_FILE.
import { appendFileSync, readFileSync } from "node:fs";

const out = process.env.OPENCLAW_TRACE_FILE!;

Bun.plugin({
  name: "openclaw-import-trace",
  setup(build) {
    build.onLoad({ filter: /\/src\/.+\.ts$/ }, (args) => {
      appendFileSync(out, `load ${args.path}\n`);
      return { contents: readFileSync(args.path, "utf8"), loader: "ts" };
    });
  },
});

const NativeWebSocket = globalThis.WebSocket;
globalThis.WebSocket = class TracedWebSocket extends NativeWebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    appendFileSync(out, `websocket ${String(args[0])}\n`);
    super(...args);
  }
} as typeof WebSocket;
