import { defineCommand } from "citty";
import { agentsConfig, listModels, modelChain } from "../agents/config.ts";
import { loadConfig } from "../config/load.ts";
import { resolveProfilePaths } from "../config/paths.ts";
import { cliContext } from "./context.ts";

// `openclaw models list`: the models configured under models.providers (read from the config file, as the
// reference does; no gateway needed), and the default agent's model chain.
export default defineCommand({
  meta: { name: "list", description: "List the configured models (models.providers.*.models)" },
  args: { json: { type: "boolean", description: "Machine-readable JSON output" } },
  run(context) {
    const ctx = cliContext(context);
    const snapshot = loadConfig(resolveProfilePaths(ctx.profile, { env: ctx.env }), ctx.env);
    const cfg = agentsConfig(snapshot);
    const models = listModels(cfg);
    let chain: string[] = [];
    let problem: string | undefined;
    try {
      chain = modelChain(cfg, cfg.defaultAgentId).map((t) => t.ref);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (context.args.json) {
      ctx.out(JSON.stringify({ models: models.map((m) => ({ ...m, key: `${m.provider}/${m.id}` })), default: chain, problems: cfg.problems, ...(problem ? { error: problem } : {}) }, null, 2));
      return 0;
    }
    if (models.length === 0) ctx.out("No models configured (set models.providers.<id>.models).");
    for (const m of models) {
      const tags = [m.api, m.contextWindow ? `ctx ${m.contextWindow}` : "", chain[0] === `${m.provider}/${m.id}` ? "default" : chain.includes(`${m.provider}/${m.id}`) ? "fallback" : ""].filter(Boolean);
      ctx.out(`${`${m.provider}/${m.id}`.padEnd(32)} ${m.name !== m.id ? `${m.name}  ` : ""}${tags.join(", ")}`.trimEnd());
    }
    if (problem) ctx.err(problem);
    for (const p of cfg.problems) ctx.err(`config: ${p}`);
    return 0;
  },
});
