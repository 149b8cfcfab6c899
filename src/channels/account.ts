// One account's lifecycle: configure → start → running ⇄ backoff → stopped (→ logout). The transport's
// receive loop runs under a supervisor that restarts it with exponential back-off (1 s doubling to 60 s,
// reset once connected), so a dead Bot API marks the account down and never takes the gateway with it.
import type { AccountConfig, AccountContext, AccountTransport, ChannelPlugin } from "./types.ts";

export const BACKOFF_MIN_MS = 1000;
/** Messages one account holds admitted but unanswered; past it the transport stops fetching (backpressure). */
export const MAX_ADMITTED = 64;
export const BACKOFF_MAX_MS = 60_000;

export type AccountState = "stopped" | "starting" | "running" | "backoff" | "disabled" | "unconfigured";

/** Delay before restart number `attempt` (1-based). */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
}

export class AccountSupervisor {
  state: AccountState = "stopped";
  connected = false;
  reconnectAttempts = 0;
  lastError: string | null = null;
  lastStartAt: number | null = null;
  lastStopAt: number | null = null;
  lastConnectedAt: number | null = null;
  lastInboundAt: number | null = null;
  lastOutboundAt: number | null = null;
  lastTransportActivityAt: number | null = null;
  lastProbeAt: number | null = null;
  probe: unknown;
  activeRuns = 0;
  /** Messages admitted (queued or running) and not yet answered. */
  admitted = 0;
  #roomWaiters = new Set<() => void>();
  transport: AccountTransport | undefined;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    readonly plugin: ChannelPlugin,
    public account: AccountConfig,
    private readonly context: Omit<AccountContext, "account" | "room" | "waitForRoom">,
    private readonly onChange: () => void = () => {},
  ) {
    if (!account.enabled) this.state = "disabled";
    else if (account.problem) {
      this.state = "unconfigured";
      this.lastError = account.problem;
    }
  }

  get configured(): boolean {
    return !this.account.problem;
  }

  /** The transport for sends: built on first need, kept across restarts (it holds the poll offset). */
  ensureTransport(): AccountTransport {
    this.transport ??= this.plugin.create({ ...this.context, account: this.account, room: () => this.room(), waitForRoom: (signal) => this.waitForRoom(signal) });
    return this.transport;
  }

  room(): number {
    return Math.max(0, MAX_ADMITTED - this.admitted);
  }

  admit(): void {
    this.admitted++;
  }

  /** Answered (or dropped) messages free their room; a transport waiting for it resumes. */
  release(count: number): void {
    this.admitted = Math.max(0, this.admitted - count);
    if (this.room() > 0) for (const wake of [...this.#roomWaiters]) wake();
  }

  waitForRoom(signal: AbortSignal): Promise<void> {
    if (this.room() > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#roomWaiters.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      this.#roomWaiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  /** Starts the receive loop unless it runs, the account is disabled or lacks credentials. */
  start(): void {
    if (this.#loop || !this.account.enabled || this.account.problem) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.lastStartAt = Date.now();
    this.reconnectAttempts = 0;
    this.#loop = this.#supervise(abort.signal).finally(() => {
      if (this.#abort === abort) {
        this.#loop = undefined;
        this.#abort = undefined;
      }
    });
  }

  async #supervise(signal: AbortSignal): Promise<void> {
    const transport = this.ensureTransport();
    while (!signal.aborted) {
      this.state = "starting";
      this.onChange();
      try {
        await transport.run(signal, () => {
          const now = Date.now();
          if (!this.connected) {
            this.connected = true;
            this.lastConnectedAt = now;
            this.lastError = null;
            this.reconnectAttempts = 0;
            this.state = "running";
            this.onChange();
          }
          this.lastTransportActivityAt = now;
        });
        if (signal.aborted) break;
        throw new Error("receive loop ended");
      } catch (error) {
        if (signal.aborted) break;
        this.connected = false;
        this.lastError = (error as Error)?.message ?? String(error);
        this.reconnectAttempts++;
        this.state = "backoff";
        const delay = backoffMs(this.reconnectAttempts);
        this.context.log.warn(`${this.plugin.id} account ${this.account.accountId} down (${this.lastError}); retry ${this.reconnectAttempts} in ${Math.round(delay / 1000)}s`);
        this.onChange();
        await this.context.sleep(delay, signal).catch(() => {});
      }
    }
    this.connected = false;
    this.state = this.account.enabled ? "stopped" : "disabled";
    this.lastStopAt = Date.now();
    this.onChange();
  }

  /** Stops the receive loop and waits for it (sends stay possible through the transport). */
  async stop(): Promise<void> {
    const loop = this.#loop;
    this.#abort?.abort();
    await loop;
  }

  get running(): boolean {
    return this.#loop !== undefined;
  }
}
