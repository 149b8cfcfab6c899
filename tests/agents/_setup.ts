// Shared set-up for the gateway-level agent tests: the stand-in provider and a config pointing at it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StandIn } from "./stand-in.ts";

/** Providers of all three APIs on the stand-in, a default agent and a second one on Anthropic. */
export function agentsConfig(standIn: StandIn, endpoints: boolean): Record<string, unknown> {
  return {
    gateway: { http: { endpoints: { chatCompletions: { enabled: endpoints }, responses: { enabled: endpoints } } } },
    models: {
      providers: {
        stand: { baseUrl: `${standIn.url}/v1`, apiKey: "${STANDIN_KEY}", api: "openai-completions", maxRetries: 1, models: [{ id: "alpha", contextWindow: 8000 }, { id: "text-embed" }] },
        resp: { baseUrl: `${standIn.url}/v1`, apiKey: "sk-resp", api: "openai-responses", models: [{ id: "beta" }] },
        claude: { baseUrl: standIn.url, apiKey: "sk-ant", api: "anthropic-messages", models: [{ id: "gamma", maxTokens: 512 }] },
      },
    },
    agents: {
      defaults: { model: "stand/alpha", memorySearch: { model: "stand/text-embed" } },
      entries: {
        writer: { name: "Writer", model: "claude/gamma", systemPrompt: "You write." },
        sturdy: { model: { primary: "stand/fail-primary", fallbacks: ["resp/beta"] } },
      },
    },
  };
}

export const STANDIN_ENV = { STANDIN_KEY: "sk-stand" };

/**
 * Whether this server sends a second `res` for two-phase methods (MethodContext.interim, requested from
 * the server owners). Without it `agent` answers `accepted` only and the outcome is read with agent.wait.
 */
export const TWO_PHASE_RES = readFileSync(join(import.meta.dir, "..", "..", "src", "server", "connection.ts"), "utf8").includes("interim");

/** Reads an SSE body into its `data:` payloads (and `event:` names). */
export async function readSseBody(response: Response, onData?: (data: string) => void): Promise<Array<{ event?: string; data: string }>> {
  const out: Array<{ event?: string; data: string }> = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const record = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(record)?.[1];
      const data = /^data: (.*)$/m.exec(record)?.[1] ?? "";
      out.push(event ? { event, data } : { data });
      onData?.(data);
    }
  }
  return out;
}
