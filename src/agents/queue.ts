// What a new message does to a session that already has a run (the reference's queue modes): `steer` joins
// the active run before its next model call (when it is between tool calls; otherwise it waits like a
// followup), `followup` runs after it, `collect` merges into the followup already waiting, `interrupt` aborts
// the active run first. The mode comes from the message, then the session, then `messages.queue.mode`.

export const QUEUE_MODES = ["steer", "followup", "collect", "interrupt"] as const;
export type QueueMode = (typeof QUEUE_MODES)[number];
/** Messages one run takes by steering at most (the reference's queue cap). */
export const STEER_CAP = 20;

export function isQueueMode(value: unknown): value is QueueMode {
  return typeof value === "string" && (QUEUE_MODES as readonly string[]).includes(value);
}

/** The effective mode: per message, else per session, else config, else "steer" (the reference default). */
export function queueMode(message: unknown, session: unknown, config: Record<string, any>): QueueMode {
  if (isQueueMode(message)) return message;
  if (isQueueMode(session)) return session;
  const configured = config.messages?.queue?.mode;
  return isQueueMode(configured) ? configured : "steer";
}
