import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { profilePaths } from "./_shared.ts";

export default defineCommand({
  meta: { name: "file", description: "Print the path of the active config file" },
  args: {
    json: { type: "boolean", description: "Print { path } as JSON" },
  },
  run(context) {
    const ctx = cliContext(context);
    const { configPath } = profilePaths(ctx);
    ctx.out(context.args.json ? JSON.stringify({ path: configPath }) : configPath);
    return 0;
  },
});
