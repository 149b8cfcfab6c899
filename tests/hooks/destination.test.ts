// The account check behind hook delivery, on a runtime stand-in (the end-to-end path: tests/hooks/deliver.test.ts):
// the reference's canonical account ids, and a switched-off default account that must not send for a hook.
import { expect, test } from "bun:test";
import { checkAccount } from "../../src/channels/outbound.ts";
import type { ChannelRuntime } from "../../src/channels/runtime.ts";

const account = (accountId: string, enabled = true, problem?: string) => ({ account: { accountId, enabled, problem }, configured: !problem });

function runtime(accounts: ReturnType<typeof account>[], defaultId = "default"): ChannelRuntime {
  return { plugin: (id: string) => (id === "telegram" ? {} : undefined), accounts: () => accounts, defaultAccount: () => defaultId } as unknown as ChannelRuntime;
}

test("an account id is matched as the reference canonicalizes it; what canonicalizes to nothing is invalid", () => {
  const rt = runtime([account("default"), account("ops-team"), account("nokey", true, "botToken missing")]);
  expect(checkAccount(rt, "telegram", " OPS team ")).toEqual({ ok: true, accountId: "ops-team" });
  expect(checkAccount(rt, "telegram", "Ops_Team")).toEqual({ ok: false, error: 'Unknown account "Ops_Team" for channel telegram.' });
  expect(checkAccount(rt, "telegram", "__proto__")).toEqual({ ok: false, error: 'Invalid account ID "__proto__".' });
  expect(checkAccount(rt, "telegram", "nokey")).toEqual({ ok: false, error: 'Account "nokey" for channel telegram is not configured.' });
  expect(checkAccount(rt, "discord", "ops-team")).toEqual({ ok: false, error: "Channel discord is unavailable." });
  expect(checkAccount(rt, "telegram")).toEqual({ ok: true, accountId: "default" });
});

test("without an account the channel's default is meant: missing or switched off, the channel is unavailable", () => {
  expect(checkAccount(runtime([account("default", false)]), "telegram")).toEqual({ ok: false, error: "Channel telegram is unavailable." });
  expect(checkAccount(runtime([account("ops")], "default"), "telegram")).toEqual({ ok: false, error: "Channel telegram did not resolve an account." });
});
