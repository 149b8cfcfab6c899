// The Telegram channel plugin: accounts from `channels.telegram`, the Bot API transport, id normalization.
import type { ChannelPlugin } from "../types.ts";
import { normalizeTelegramId, telegramAccounts, telegramDefaultAccount } from "./config.ts";
import { createTelegramTransport } from "./transport.ts";

export const telegramPlugin: ChannelPlugin = {
  id: "telegram",
  label: "Telegram",
  detailLabel: "Telegram Bot",
  systemImage: "paperplane",
  accounts: telegramAccounts,
  defaultAccountId: telegramDefaultAccount,
  create: createTelegramTransport,
  normalizeId: normalizeTelegramId,
  describe(account) {
    const raw = account.raw as { tokenSource?: string; token?: string; webhook?: { url: string; path: string } };
    return {
      tokenSource: raw.tokenSource ?? "none",
      tokenStatus: raw.token ? "available" : "missing",
      mode: raw.webhook ? "webhook" : "polling",
      ...(raw.webhook ? { webhookUrl: raw.webhook.url, webhookPath: raw.webhook.path } : {}),
    };
  },
};
