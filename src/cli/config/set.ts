import { defineCommand } from "citty";
import JSON5 from "json5";
import { editConfig } from "../../config/edit.ts";
import { parseKeyPath, setAtPath } from "../../config/key-path.ts";
import { CliError, cliContext } from "../context.ts";
import { applyHint, assertWritable, profilePaths, refuseInvalid } from "./_shared.ts";

export default defineCommand({
  meta: { name: "set", description: "Set a config path to a JSON5 value after validating the result" },
  args: {
    path: { type: "positional", description: "Config path, e.g. gateway.port", required: true },
    value: { type: "positional", description: "Value, parsed as JSON5 (a bare word is a string)", required: true },
    "strict-json": { type: "boolean", description: "Require strict JSON; no string fallback" },
    json: { type: "boolean", description: "Alias of --strict-json (reference compatibility)" },
    "dry-run": { type: "boolean", description: "Validate and report, write nothing" },
  },
  run(context) {
    const ctx = cliContext(context);
    assertWritable(ctx);
    const segments = parseKeyPath(context.args.path);
    const value = parseValue(context.args.value, Boolean(context.args["strict-json"] || context.args.json));
    const paths = profilePaths(ctx);
    const result = refuseInvalid(context.args.path, () =>
      editConfig(paths, (authored) => setAtPath(authored, segments, value), {
        env: ctx.env,
        dryRun: Boolean(context.args["dry-run"]),
      }),
    );
    if (!result.changed) {
      ctx.out("No change");
      return 0;
    }
    if (context.args["dry-run"]) {
      ctx.out(`Dry run: setting ${context.args.path} keeps the config valid. Nothing written.`);
      return 0;
    }
    ctx.out(`Updated ${context.args.path} in ${paths.configPath}. ${applyHint(context.args.path)}`);
    return 0;
  },
});

function parseValue(text: string, strict: boolean): unknown {
  try {
    return strict ? JSON.parse(text) : JSON5.parse(text);
  } catch (error) {
    if (strict) throw new CliError(`Value is not valid JSON (--strict-json): ${(error as Error).message}`);
    return text;
  }
}
