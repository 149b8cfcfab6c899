// The channel runtime: every configured account under supervision, reconciled against each config snapshot
// (an account added, removed or changed starts or stops only that account), inbound messages through access
// policy and pairing into agent runs, and the operator's view (status, probe, start/stop/logout, send).
import { join } from "node:path";
import type { AgentsService } from "../agents/methods.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import { GatewayError } from "../protocol/errors.ts";
import { decideAccess, type AccessDecision } from "./access.ts";
import { nativeCommand } from "./commands.ts";
import { AccountSupervisor } from "./account.ts";
import { PairingStore } from "./pairing.ts";
import { QUEUE_CAP, queueMode, SessionLanes } from "./queue.ts";
import { LastRoutes } from "./routes.ts";
import { ownerAgent, runAndReply, sessionKeyFor, steerTurn, turnText } from "./routing.ts";
import type { AccountConfig, AccountTransport, ChannelPlugin, InboundMessage } from "./types.ts";

/** One admitted message waiting for (or in) its session's lane. */
interface Turn {
  supervisor: AccountSupervisor;
  transport: AccountTransport;
  message: InboundMessage;
  extraSystem?: string;
}

/** Several waiting messages as one turn (`collect`): texts in order, replying to the newest. */
function merge(turns: Turn[]): InboundMessage {
  const last = turns[turns.length - 1]!.message;
  if (turns.length === 1) return last;
  return { ...last, text: turns.map((t) => turnText(t.message)).join("\n\n"), media: [] };
}

export interface RuntimeDeps {
  agents: AgentsService;
  config(): ConfigSnapshot;
  broadcast(event: string, payload: unknown): void;
  log: { info(msg: string): void; warn(msg: string): void; debug(msg: string): void };
  env: Record<string, string | undefined>;
  redact(secret: string): void;
  /** The resolved SecretRef at a config path (`channels.telegram.botToken`), from the gateway's runtime snapshot. */
  secret?(path: string): string | undefined;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  plugins: Record<string, () => Promise<ChannelPlugin>>;
}

export class ChannelRuntime {
  readonly #deps: RuntimeDeps;
  readonly #accounts = new Map<string, AccountSupervisor>();
  readonly #plugins = new Map<string, ChannelPlugin>();
  readonly #defaults = new Map<string, string>();
  #reconciling: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #lanes: SessionLanes<Turn>;
  readonly pairing: PairingStore;
  readonly stateDir: string;
  /** Where `last` targets (heartbeat, cron announce, the message tool) go: the latest admitted conversation. */
  readonly lastRoutes: LastRoutes;

  constructor(deps: RuntimeDeps) {
    this.#deps = deps;
    this.stateDir = deps.config().paths.stateDir;
    this.pairing = new PairingStore(join(this.stateDir, "credentials"));
    this.lastRoutes = new LastRoutes(join(this.stateDir, "channels", "last-routes.json"));
    this.#lanes = new SessionLanes<Turn>(
      (_key, turns) => {
        const { supervisor, transport, extraSystem } = turns[turns.length - 1]!;
        const done = () => {
          for (const turn of turns) turn.supervisor.release(1);
        };
        return runAndReply(
          {
            agents: this.#deps.agents,
            config: this.#deps.config,
            broadcast: this.#deps.broadcast,
            log: this.#deps.log,
            onOutbound: () => (supervisor.lastOutboundAt = Date.now()),
            onRun: (delta) => (supervisor.activeRuns += delta),
          },
          supervisor.account,
          transport,
          merge(turns),
          extraSystem,
        ).finally(done);
      },
      (key) => void this.#deps.agents.runs.abortSession(key),
      (dropped) => {
        dropped.supervisor.release(1);
        this.#deps.log.warn(`${dropped.message.channel} ${dropped.message.accountId}: more than ${QUEUE_CAP} messages waiting in one session; the oldest was dropped`);
      },
      (key, turn, running) => {
        // The running turn answers in its own chat, so only a message from that same conversation may join it.
        const first = running[0]?.message;
        const m = turn.message;
        if (!first || first.channel !== m.channel || first.accountId !== m.accountId || first.chatId !== m.chatId || first.threadId !== m.threadId) return false;
        const run = steerTurn(this.#deps, key, m);
        if (!run) return false;
        void run.done.finally(() => turn.supervisor.release(1));
        return true;
      },
    );
  }

  /** Brings the running accounts in line with a snapshot; calls are serialized. */
  reconcile(snapshot: ConfigSnapshot): Promise<void> {
    this.#reconciling = this.#reconciling.then(() => this.#reconcile(snapshot)).catch((error) => this.#deps.log.warn(`channels reconcile failed: ${(error as Error).message}`));
    return this.#reconciling;
  }

  async #reconcile(snapshot: ConfigSnapshot): Promise<void> {
    if (this.#stopped) return;
    const sections = ((snapshot.config as any).channels ?? {}) as Record<string, any>;
    const wanted = new Map<string, AccountConfig>();
    for (const [id, load] of Object.entries(this.#deps.plugins)) {
      const section = sections[id];
      if (!section || typeof section !== "object") continue;
      const plugin = this.#plugins.get(id) ?? (await load());
      this.#plugins.set(id, plugin);
      const accounts = plugin.accounts(section, this.#deps.env, (path) => this.#deps.secret?.(`channels.${id}.${path}`));
      this.#defaults.set(id, plugin.defaultAccountId(section, accounts));
      for (const account of accounts) wanted.set(`${id}:${account.accountId}`, account);
    }
    for (const [key, supervisor] of this.#accounts) {
      const next = wanted.get(key);
      if (next && next.fingerprint === supervisor.account.fingerprint && !next.problem === supervisor.configured) {
        supervisor.account = next; // access and delivery settings apply to the next message
        continue;
      }
      this.#accounts.delete(key);
      await supervisor.stop();
      this.#deps.log.info(`${key} ${next ? "changed; restarting" : "removed; stopped"}`);
    }
    for (const [key, account] of wanted) {
      if (this.#accounts.has(key)) continue;
      const plugin = this.#plugins.get(key.slice(0, key.indexOf(":")))!;
      const supervisor = new AccountSupervisor(plugin, account, {
        stateDir: snapshot.paths.stateDir,
        env: this.#deps.env,
        log: this.#deps.log,
        sleep: this.#deps.sleep,
        redact: this.#deps.redact,
        inbound: (message) => this.#inbound(supervisor, message),
        admits: (message) => this.#decide(supervisor, message).action === "process",
      });
      this.#accounts.set(key, supervisor);
      if (account.problem && account.enabled) this.#deps.log.warn(`${key} not started: ${account.problem}`);
      supervisor.start();
    }
  }

  /** The access decision under the account's current settings and pairing approvals. */
  #decide(supervisor: AccountSupervisor, message: InboundMessage): AccessDecision {
    return decideAccess(message, supervisor.account.access, () => this.pairing.allowed(message.channel, message.accountId));
  }

  #inbound(supervisor: AccountSupervisor, message: InboundMessage): void {
    supervisor.lastInboundAt = Date.now();
    const account = supervisor.account;
    const decision = this.#decide(supervisor, message);
    const transport = supervisor.ensureTransport();
    if (decision.action === "drop") {
      this.#deps.log.debug(`${message.channel} ${message.accountId}: message from ${message.senderId} in ${message.chatId} ignored (${decision.reason})`);
      return;
    }
    if (decision.action === "pair") {
      const label = message.senderUsername ? `@${message.senderUsername}` : (message.senderName ?? message.senderId);
      const outcome = this.pairing.request(message.channel, message.accountId, message.senderId, label, message.senderName ? { name: message.senderName } : undefined);
      this.#deps.log.info(`${message.channel} pairing request from ${message.senderId} (${outcome ? (outcome.created ? "new code" : "pending") : "too many pending"})`);
      if (outcome?.created) {
        const code = outcome.request.code;
        const text = `OpenClaw: this bot does not know you yet.\n\nYour ${this.#plugins.get(message.channel)?.label ?? message.channel} user id: ${message.senderId}\nPairing code: ${code}\n\nAsk the bot owner to approve it:\nopenclaw pairing approve ${message.channel} ${code}`;
        void transport.send({ chatId: message.chatId, text }).then(() => (supervisor.lastOutboundAt = Date.now())).catch((error) => this.#deps.log.warn(`pairing reply failed: ${(error as Error).message}`));
      }
      return;
    }
    const config = this.#deps.config().config as Record<string, unknown>;
    const agentId = ownerAgent(config as any, message.channel, message.accountId);
    const key = sessionKeyFor(config as any, agentId, message);
    this.lastRoutes.record(agentId, key, { channel: message.channel, to: message.chatId, accountId: message.accountId, threadId: message.threadId, chatType: message.chatType });
    let answer: string | undefined;
    try {
      answer = nativeCommand(message.command, key, this.#deps.agents);
    } catch (error) {
      answer = `⚠️ ${(error as Error).message}`;
    }
    if (answer !== undefined) {
      void transport.send({ chatId: message.chatId, text: answer, replyToId: message.messageId, threadId: message.threadId }).catch((error) => this.#deps.log.warn(`command reply failed: ${(error as Error).message}`));
      return;
    }
    supervisor.admit();
    this.#lanes.submit(key, { supervisor, transport, message, extraSystem: decision.group?.systemPrompt }, queueMode(config, message.channel));
  }

  /** The webhook handler of a running account whose path this is; undefined for every other path. */
  webhook(request: Request, url: URL): Promise<Response> | undefined {
    for (const s of this.#accounts.values()) {
      const hook = s.running ? s.transport?.webhook : undefined;
      if (hook && hook.path === url.pathname) return hook.handle(request);
    }
    return undefined;
  }

  plugin(channel: string): ChannelPlugin | undefined {
    return this.#plugins.get(channel);
  }

  channels(): string[] {
    return [...this.#plugins.keys()];
  }

  defaultAccount(channel: string): string | undefined {
    return this.#defaults.get(channel);
  }

  accounts(channel?: string): AccountSupervisor[] {
    return [...this.#accounts.values()].filter((s) => !channel || s.plugin.id === channel);
  }

  /** The account a call names (or the channel's default); a clear error when there is none. */
  account(channel: string | undefined, accountId: string | undefined): AccountSupervisor {
    const id = channel ?? (this.channels().length === 1 ? this.channels()[0] : undefined);
    if (!id) throw new GatewayError("INVALID_REQUEST", this.channels().length ? "channel is required (more than one channel is configured)" : "no channel is configured");
    if (!this.#plugins.has(id)) throw new GatewayError("INVALID_REQUEST", `channel ${id} is not configured (channels.${id})`);
    const account = accountId?.trim() || this.#defaults.get(id) || "default";
    const supervisor = this.#accounts.get(`${id}:${account}`);
    if (!supervisor) throw new GatewayError("INVALID_REQUEST", `unknown ${id} account: ${account}`);
    return supervisor;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#reconciling;
    await Promise.all([...this.#accounts.values()].map((s) => s.stop()));
    this.#accounts.clear();
    this.lastRoutes.flush();
  }
}
