// The stand-in Bot API itself: envelopes, long polling with offset confirmation, injected 429s, kill/revive.
import { afterAll, expect, test } from "bun:test";
import { startTelegramStandIn } from "./telegram-stand-in.ts";

const TOKEN = "123:stand";
const api = startTelegramStandIn({ [TOKEN]: { id: 123, username: "stand_bot", first_name: "Stand" } });
afterAll(() => api.kill());

const call = (method: string, body: unknown, token = TOKEN) =>
  fetch(`${api.url}/bot${token}/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

test("envelopes: ok/result, 401 for an unknown token, 400 for an over-long text", async () => {
  expect((await call("getMe", {})).body).toMatchObject({ ok: true, result: { id: 123, username: "stand_bot", is_bot: true } });
  expect(await call("getMe", {}, "9:bad")).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
  const long = await call("sendMessage", { chat_id: 5, text: "x".repeat(4097) });
  expect(long.status).toBe(400);
  expect(long.body.description).toContain("too long");
});

test("getUpdates long-polls until an update arrives; a later offset confirms it", async () => {
  const pending = call("getUpdates", { timeout: 30 });
  api.message(TOKEN, { from: 42, text: "hi" });
  const first = (await pending).body.result;
  expect(first).toHaveLength(1);
  expect(first[0].message).toMatchObject({ text: "hi", chat: { id: 42, type: "private" }, from: { id: 42 } });
  const next = await call("getUpdates", { offset: first[0].update_id + 1, timeout: 0 });
  expect(next.body.result).toEqual([]);
});

test("an injected 429 carries parameters.retry_after; kill and revive keep the port", async () => {
  api.failNext("sendMessage", { status: 429, description: "Too Many Requests: retry after 3", retryAfter: 3 });
  expect((await call("sendMessage", { chat_id: 5, text: "a" })).body).toEqual({ ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } });
  expect((await call("sendMessage", { chat_id: 5, text: "a" })).body.ok).toBe(true);
  const port = api.port;
  api.kill();
  await expect(fetch(`${api.url}/bot${TOKEN}/getMe`)).rejects.toThrow();
  api.revive();
  expect(api.port).toBe(port);
  expect((await call("getMe", {})).body.ok).toBe(true);
});

test("multipart uploads become files that getFile serves", async () => {
  const form = new FormData();
  form.set("chat_id", "5");
  form.set("photo", new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }), "p.png");
  const sent = (await (await fetch(`${api.url}/bot${TOKEN}/sendPhoto`, { method: "POST", body: form })).json()) as any;
  const fileId = sent.result.photo[0].file_id;
  const file = (await call("getFile", { file_id: fileId })).body.result;
  const bytes = new Uint8Array(await (await fetch(`${api.url}/file/bot${TOKEN}/${file.file_path}`)).arrayBuffer());
  expect([...bytes]).toEqual([1, 2, 3]);
  expect(api.callsOf("sendPhoto")[0]!.files.photo).toMatchObject({ filename: "p.png", size: 3 });
});
