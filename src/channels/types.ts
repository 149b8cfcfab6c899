// What a channel is to the runtime: a plugin that resolves its accounts from config and drives one account's
// transport. The runtime (supervision, routing, pairing, RPC) is channel-neutral; Telegram is the first plugin.

/** Who may DM the bot: the reference's four DM policies. */
export type DmPolicy = "pairing" | "allowlist" | "open" | "disabled";
export type GroupPolicy = "open" | "allowlist" | "disabled";

/** One group entry (`channels.<id>.groups.<chatId|*>`). */
export interface GroupRule {
  requireMention?: boolean;
  groupPolicy?: GroupPolicy;
  allowFrom?: string[];
  systemPrompt?: string;
  enabled?: boolean;
}

/** The access settings an account runs with (root values merged with `accounts.<id>`). */
export interface AccessSettings {
  dmPolicy: DmPolicy;
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  groupAllowFrom: string[] | undefined;
  /** Undefined when no `groups` map is configured. */
  groups: Record<string, GroupRule> | undefined;
}

/** An account as config describes it; `fingerprint` changes exactly when the account must restart. */
export interface AccountConfig {
  accountId: string;
  name?: string;
  enabled: boolean;
  /** Missing credentials leave the account configured-but-not-startable, with `problem` saying why. */
  problem?: string;
  access: AccessSettings;
  fingerprint: string;
  textChunkLimit: number;
  streaming: "off" | "partial" | "block" | "progress";
  /** Channel-specific settings the plugin reads (token, api root, …); never logged. */
  raw: Record<string, unknown>;
}

/** An inbound message, channel-neutral. */
export interface InboundMessage {
  channel: string;
  accountId: string;
  chatId: string;
  chatType: "direct" | "group";
  senderId: string;
  senderName?: string;
  senderUsername?: string;
  messageId: string;
  text: string;
  /** True when the bot was mentioned (native mention or a reply to the bot). */
  mentioned: boolean;
  threadId?: string;
  /** Media already downloaded into the state dir. */
  media: Array<{ kind: "image" | "document"; path: string; mime?: string; name?: string; bytes: number }>;
  /** A slash command addressed to the bot (`/start`, `/new`, …), lower-case without the slash. */
  command?: string;
}

/** One outbound piece of media. */
export interface OutboundMedia {
  kind: "image" | "document";
  /** A local file path or an http(s) URL. */
  source: string;
  bytes?: Uint8Array;
  filename?: string;
  mime?: string;
}

export interface SendRequest {
  chatId: string;
  text?: string;
  media?: OutboundMedia[];
  replyToId?: string;
  threadId?: string;
  silent?: boolean;
}

export interface SendResult {
  messageIds: string[];
  chatId: string;
}

/** What a running account offers the runtime. */
export interface AccountTransport {
  /** Receives until the signal aborts; throws on a failure the supervisor should back off from. */
  run(signal: AbortSignal, onConnected: () => void): Promise<void>;
  /** A live check of the credentials; the shape is the channel's (the reference's per-channel probe object). */
  probe(timeoutMs: number): Promise<{ ok: boolean; elapsedMs: number } & Record<string, unknown>>;
  send(request: SendRequest): Promise<SendResult>;
  /** Shows "typing…"; best effort. */
  typing(chatId: string, threadId?: string): Promise<void>;
  /** Replaces the text of a message sent earlier (stream previews). */
  edit(chatId: string, messageId: string, text: string): Promise<void>;
  /** Deletes a message the bot sent (message.action delete). */
  remove?(chatId: string, messageId: string): Promise<void>;
  /** Webhook mode: the gateway-port path Telegram posts updates to, and its handler. */
  webhook?: { path: string; handle(request: Request): Promise<Response> };
  /** Forgets the account's remote session (Telegram: drop the webhook and pending offset). */
  logout?(): Promise<void>;
}

/** What the runtime hands a plugin when it builds an account. */
export interface AccountContext {
  account: AccountConfig;
  stateDir: string;
  env: Record<string, string | undefined>;
  log: { info(msg: string): void; warn(msg: string): void; debug(msg: string): void };
  /** Waits (injectable: tests drive back-off and retry_after without sleeping). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  inbound(message: InboundMessage): void;
  /** Whether the access policy answers this message: asked before its media is downloaded. */
  admits(message: InboundMessage): boolean;
  /** How many more messages the account may hand over now (admitted messages not yet answered count). */
  room(): number;
  /** Resolves once room() > 0: the transport stops fetching while the account is full (Telegram keeps the rest). */
  waitForRoom(signal: AbortSignal): Promise<void>;
  /** Registers a secret so the logger never prints it. */
  redact(secret: string): void;
}

/** A channel implementation, loaded only when one of its accounts is configured. */
export interface ChannelPlugin {
  id: string;
  label: string;
  detailLabel: string;
  /** The icon name clients show for the channel (`channelSystemImages`). */
  systemImage?: string;
  /** Accounts configured under `channels.<id>`; `secret` resolves a SecretRef at a path relative to that section. */
  accounts(section: Record<string, unknown>, env: Record<string, string | undefined>, secret?: (path: string) => string | undefined): AccountConfig[];
  defaultAccountId(section: Record<string, unknown>, accounts: AccountConfig[]): string;
  create(ctx: AccountContext): AccountTransport;
  /** Normalizes an allowFrom entry or a send target (`tg:123` → `123`). */
  normalizeId(raw: string): string | undefined;
  /** Extra fields of an account snapshot (mode, token source, …). */
  describe(account: AccountConfig): Record<string, unknown>;
}
