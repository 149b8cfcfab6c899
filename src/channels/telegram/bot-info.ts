// The bot's getMe answer as the probe reports it: the Bot API `User` object with every documented flag filled
// in (Telegram omits false ones), and the camelCase view that keeps `null` for a flag Telegram did not send.

type Raw = Record<string, unknown>;

const FLAGS = [
  "can_join_groups",
  "can_read_all_group_messages",
  "can_manage_bots",
  "supports_inline_queries",
  "supports_join_request_queries",
  "can_connect_to_business",
  "has_main_web_app",
  "has_topics_enabled",
  "allows_users_to_create_topics",
] as const;

const bool = (value: unknown): boolean | null => (typeof value === "boolean" ? value : null);

/** `botInfo`: the getMe `User` with absent flags as false, in the Bot API's field order; undefined if it is not a bot. */
export function normalizeBotInfo(me: Raw): Raw | undefined {
  if (typeof me.id !== "number" || me.is_bot !== true || typeof me.first_name !== "string" || typeof me.username !== "string") return undefined;
  const out: Raw = { id: me.id, is_bot: true, first_name: me.first_name, username: me.username };
  if (typeof me.last_name === "string") out.last_name = me.last_name;
  if (typeof me.language_code === "string") out.language_code = me.language_code;
  for (const flag of FLAGS) out[flag] = bool(me[flag]) ?? false;
  return out;
}

/** `bot`: the camelCase view; a flag Telegram did not send stays null so "unknown" is not read as "no". */
export function botView(me: Raw): Raw {
  return {
    id: me.id,
    isBot: me.is_bot ?? true,
    firstName: me.first_name,
    username: me.username,
    canJoinGroups: bool(me.can_join_groups),
    canReadAllGroupMessages: bool(me.can_read_all_group_messages),
    canManageBots: bool(me.can_manage_bots),
    supportsInlineQueries: bool(me.supports_inline_queries),
    canConnectToBusiness: bool(me.can_connect_to_business),
    hasMainWebApp: bool(me.has_main_web_app),
    hasTopicsEnabled: bool(me.has_topics_enabled),
    allowsUsersToCreateTopics: bool(me.allows_users_to_create_topics),
  };
}
