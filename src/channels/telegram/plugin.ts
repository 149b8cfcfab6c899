// The Telegram channel plugin: accounts from `channels.telegram`, the Bot API transport, id normalization.
import type { ChannelPlugin } from "../types.ts";
import { DEFAULT_API_ROOT, normalizeTelegramId, telegramAccounts, telegramDefaultAccount } from "./config.ts";
import { createTelegramTransport } from "./transport.ts";

export const telegramPlugin: ChannelPlugin = {
  id: "telegram",
  label: "Telegram",
  detailLabel: "Telegram Bot",
  accounts: telegramAccounts,
  defaultAccountId: telegramDefaultAccount,
  create: createTelegramTransport,
  normalizeId: normalizeTelegramId,
  describe(account) {
    const raw = account.raw as { tokenSource?: string; apiRoot?: string };
    return {
      mode: "polling",
      tokenSource: raw.tokenSource ?? "none",
      botTokenSource: raw.tokenSource ?? "none",
      ...(raw.apiRoot && raw.apiRoot !== DEFAULT_API_ROOT ? { baseUrl: raw.apiRoot } : {}),
    };
  },
};
