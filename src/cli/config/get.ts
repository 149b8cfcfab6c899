import { defineCommand } from "citty";
import { getAtPath, parseKeyPath } from "../../config/key-path.ts";
import { loadConfig } from "../../config/load.ts";
import { redactConfig } from "../../config/redact.ts";
import { CliError, cliContext } from "../context.ts";
import { formatValue, profilePaths } from "./_shared.ts";

export default defineCommand({
  meta: { name: "get", description: "Print the value at a config path (secrets redacted)" },
  args: {
    path: { type: "positional", description: "Config path, e.g. gateway.port", required: true },
    json: { type: "boolean", description: "Print the value as JSON" },
  },
  run(context) {
    const ctx = cliContext(context);
    const segments = parseKeyPath(context.args.path);
    const snapshot = loadConfig(profilePaths(ctx), ctx.env);
    const value = getAtPath(redactConfig(snapshot.config), segments);
    if (value === undefined) {
      const message = `${context.args.path} is not set in ${snapshot.paths.configPath} (the runtime default applies)`;
      if (context.args.json) {
        ctx.out(JSON.stringify({ ok: false, error: { code: "not_set", message } }));
        return 1;
      }
      throw new CliError(message);
    }
    ctx.out(context.args.json ? JSON.stringify(value, null, 2) : formatValue(value));
    return 0;
  },
});
