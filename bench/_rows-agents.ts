// The agent-events row of issue 15 §5: one run whose 20 KB answer arrives in 5,000 deltas from the stand-in
// provider (tests/agents/stand-in.ts, in this process on 127.0.0.1), watched by one operator client. It reports
// the bytes that client receives and the server CPU the run costs, each per KB of answer. Ours only: the
// ceiling serves no agents.
import { connectOperator } from "../tests/helpers/ws.ts";
import { startStandIn } from "../tests/agents/stand-in.ts";
import { cpuMs, startServer, type Binaries } from "./_proc.ts";
import { summary } from "./_stats.ts";

const AGENT_PIECES = 5000;
const AGENT_PIECE_CHARS = 4;
const ANSWER_KB = (AGENT_PIECES * AGENT_PIECE_CHARS) / 1000;

export interface AgentEvents {
  answerKB: number;
  runs: number;
  /** Bytes one operator client received per run (every frame of the run: agent, chat, sessions.changed) ÷ answer bytes. */
  bytesPerAnswerByte: ReturnType<typeof summary>;
  cpuUsPerAnswerKB: ReturnType<typeof summary>;
  runMs: ReturnType<typeof summary>;
}

/** `runs` sequential runs on a fresh server; each sample is one run. */
export async function agentEvents(bins: Binaries, runs: number): Promise<AgentEvents> {
  const standIn = startStandIn();
  const server = await startServer("ours", bins, {
    config: {
      models: { providers: { stand: { baseUrl: `${standIn.url}/v1`, apiKey: "sk-bench", api: "openai-completions", maxRetries: 0 } } },
      agents: { defaults: { model: `stand/bulk-${AGENT_PIECES}x${AGENT_PIECE_CHARS}` } },
    },
  });
  const url = `ws://127.0.0.1:${server.port}`;
  const client = await connectOperator(url, server.token, ["operator.write"]);
  const bytes: number[] = [];
  const cpu: number[] = [];
  const wall: number[] = [];
  let received = 0;
  client.ws.addEventListener("message", (e) => {
    received += typeof e.data === "string" ? Buffer.byteLength(e.data) : (e.data as ArrayBuffer).byteLength;
  });
  try {
    // One warm-up run (JIT, the store's first open), then the measured ones.
    for (let i = -1; i < runs; i++) {
      const runId = `bench-${i + 1}`;
      const before = received;
      const cpuBefore = cpuMs(server.pid);
      const started = performance.now();
      client.send({ type: "req", id: runId, method: "agent", params: { message: "go", sessionKey: `bench-${i + 1}`, idempotencyKey: runId } });
      await client.next((f) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start", 120_000);
      const ms = performance.now() - started;
      if (i < 0) continue;
      wall.push(ms);
      cpu.push(((cpuMs(server.pid) - cpuBefore) * 1000) / ANSWER_KB);
      bytes.push((received - before) / (ANSWER_KB * 1000));
      client.frames.length = 0;
    }
  } finally {
    client.close();
    await server.stop();
    standIn.stop();
  }
  return { answerKB: ANSWER_KB, runs, bytesPerAnswerByte: summary(bytes), cpuUsPerAnswerKB: summary(cpu), runMs: summary(wall) };
}
