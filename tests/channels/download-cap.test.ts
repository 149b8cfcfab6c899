// A file download from the Bot API stops at the size cap while it streams: getFile may omit file_size, and a
// body is never read whole before its size is checked.
import { afterAll, expect, test } from "bun:test";
import { BotApi } from "../../src/channels/telegram/api.ts";

const chunk = new Uint8Array(64 * 1024);
// getFile without file_size, then a file body that never ends.
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request) {
    if (new URL(request.url).pathname.endsWith("/getFile")) return Response.json({ ok: true, result: { file_id: "f", file_path: "documents/huge.bin" } });
    return new Response(new ReadableStream({ pull: (controller) => controller.enqueue(chunk) }));
  },
});
afterAll(() => server.stop(true));

test("a download larger than the cap is refused as soon as the cap is passed, not after reading it all", async () => {
  const api = new BotApi({ token: "123:abc", apiRoot: `http://127.0.0.1:${server.port}`, sleep: async () => {} });
  const refused = await api.download("f", 1024 * 1024).then(
    () => undefined,
    (error) => error,
  );
  expect(refused).toMatchObject({ method: "file", code: 413 });
  expect(String(refused.message)).not.toContain("123:abc");
});
