// Who a session's `session.message` events are built for: only connections that follow that session's messages
// (sessions.messages.subscribe). A sessions.subscribe connection (the Control UI's list) is not sent them, so it
// must not make every appended message build one (a session row read and a transcript count per message).
import { expect, test } from "bun:test";
import { SessionSubscriptions } from "../../src/agents/subscriptions.ts";

test("anyFor: true only while someone follows that session's messages, not for a sessions-list subscriber", () => {
  const subs = new SessionSubscriptions();
  subs.subscribeSessions("ui");
  expect(subs.anyFor("agent:main:a")).toBe(false);
  subs.subscribeMessages("chat", "agent:main:a");
  expect(subs.anyFor("agent:main:a")).toBe(true);
  expect(subs.anyFor("agent:main:b")).toBe(false);
  subs.unsubscribeMessages("chat", "agent:main:a");
  expect(subs.anyFor("agent:main:a")).toBe(false);
});
