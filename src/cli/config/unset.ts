import { defineCommand } from "citty";
import { editConfig } from "../../config/edit.ts";
import { parseKeyPath, unsetAtPath } from "../../config/key-path.ts";
import { CliError, cliContext } from "../context.ts";
import { applyHint, assertWritable, profilePaths, refuseInvalid } from "./_shared.ts";

export default defineCommand({
  meta: { name: "unset", description: "Remove a config path after validating the result" },
  args: {
    path: { type: "positional", description: "Config path, e.g. gateway.bind", required: true },
    "dry-run": { type: "boolean", description: "Validate and report, write nothing" },
  },
  run(context) {
    const ctx = cliContext(context);
    assertWritable(ctx);
    const segments = parseKeyPath(context.args.path);
    const paths = profilePaths(ctx);
    const result = refuseInvalid(context.args.path, () => editConfig(
      paths,
      (authored) => {
        const next = unsetAtPath(authored, segments);
        if (next === undefined) throw new CliError(`${context.args.path} is not set in ${paths.configPath}; nothing to remove`);
        return next;
      },
      { env: ctx.env, dryRun: Boolean(context.args["dry-run"]) },
    ));
    if (context.args["dry-run"]) {
      ctx.out(`Dry run: removing ${context.args.path} keeps the config valid. Nothing written.`);
      return 0;
    }
    ctx.out(`Removed ${context.args.path} from ${paths.configPath}. ${result.changed ? applyHint(context.args.path) : ""}`.trim());
    return 0;
  },
});
