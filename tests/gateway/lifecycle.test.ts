// Start-up guards, shutdown, in-process restart and config hot reload of a spawned gateway.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { freePort, spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { connectOperator, connectParams, handshake } from "../helpers/ws.ts";

afterAll(stopAllGateways);

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error("condition not met in time");
}

async function healthOk(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
  } catch {
    return false;
  }
}

describe("start-up guards", () => {
  test("no gateway.mode=local → blocked with the seed's message, exit 1", async () => {
    const gw = await spawnGateway({ config: { gateway: { mode: "remote" } }, noWait: true });
    expect(await gw.proc.exited).toBe(1);
    expect(gw.output()).toContain("Gateway start blocked: set gateway.mode=local");
    expect(gw.output()).toContain("--allow-unconfigured");
  });

  test("--allow-unconfigured starts without gateway.mode", async () => {
    const gw = await spawnGateway({ config: { gateway: { mode: "remote" } }, args: ["--allow-unconfigured"] });
    expect(await healthOk(gw.port)).toBe(true);
    await gw.stop();
  });

  test("--bind lan without auth is refused; with a token it starts", async () => {
    const open = await spawnGateway({ token: null, args: ["--bind", "lan"], noWait: true });
    expect(await open.proc.exited).toBe(1);
    expect(open.output()).toContain(`refusing to bind gateway to 0.0.0.0:${open.port} without auth`);
    const withToken = await spawnGateway({ args: ["--bind", "lan"], noWait: true });
    await withToken.waitForOutput(`Gateway listening on ws://127.0.0.1:${withToken.port}`);
    expect(await healthOk(withToken.port)).toBe(true);
    await withToken.stop();
  });

  test("a second gateway on the same port fails with the message; --force takes over", async () => {
    const first = await spawnGateway();
    const second = await spawnGateway({ port: first.port, noWait: true });
    expect(await second.proc.exited).toBe(1);
    expect(second.output()).toContain(`another gateway instance is already listening on 127.0.0.1:${first.port}`);
    expect(second.output()).toContain("--force");
    const forced = await spawnGateway({ port: first.port, args: ["--force"] });
    expect(await first.proc.exited).toBe(0);
    expect(await healthOk(forced.port)).toBe(true);
    const socket = await connectOperator(forced.url, forced.token, ["operator.read"]);
    expect((await socket.request("health")).ok).toBe(true);
    socket.close();
    await forced.stop();
  });

  test("two gateways may not share one state dir", async () => {
    const first = await spawnGateway();
    const second = await spawnGateway({ stateDir: first.stateDir, port: freePort(), noWait: true });
    expect(await second.proc.exited).toBe(1);
    expect(second.output()).toContain(`another gateway (pid ${first.pid}`);
    await first.stop();
  });

  test("no token on loopback: a one-run token is generated and printed", async () => {
    const gw = await spawnGateway({ token: null });
    await gw.waitForOutput(/this run uses the token \S+\n/);
    const token = /this run uses the token (\S+)/.exec(gw.output())?.[1];
    expect(token).toBeDefined();
    const socket = await connectOperator(gw.url, token!, ["operator.read"]);
    socket.close();
    await gw.stop();
  });
});

describe("shutdown", () => {
  test("SIGTERM: every client gets shutdown then close 1012; exit 0", async () => {
    const gw = await spawnGateway();
    const clients = await Promise.all([1, 2, 3].map(() => connectOperator(gw.url, gw.token, ["operator.read"])));
    gw.proc.kill("SIGTERM");
    for (const client of clients) {
      const close = await client.closed;
      expect(close).toEqual({ code: 1012, reason: "service restart" });
      const shutdown = client.frames.find((f) => f.event === "shutdown");
      expect(shutdown?.payload.reason).toContain("gateway stopping");
      expect(client.frames.indexOf(shutdown!)).toBe(client.frames.length - 1);
    }
    expect(await gw.proc.exited).toBe(0);
  });
});

describe("in-process restart", () => {
  test("SIGUSR1 keeps the process and the port, and answers again", async () => {
    const gw = await spawnGateway();
    const client = await connectOperator(gw.url, gw.token, ["operator.read"]);
    gw.proc.kill("SIGUSR1");
    expect((await client.closed).code).toBe(1012);
    await gw.waitForOutput("restarting in process: SIGUSR1");
    await waitUntil(() => healthOk(gw.port));
    const again = await connectOperator(gw.url, gw.token, ["operator.read"]);
    const status = await again.request("status", {});
    expect(status.payload.pid).toBe(gw.pid);
    again.close();
    await gw.stop();
  });

  test("gateway.restart.request (admin) restarts in process", async () => {
    const gw = await spawnGateway();
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const res = await admin.request("gateway.restart.request", { reason: "test" });
    expect(res.payload).toMatchObject({ ok: true, scheduled: true });
    expect((await admin.closed).code).toBe(1012);
    await waitUntil(() => healthOk(gw.port));
    expect(gw.proc.exitCode).toBeNull();
    await gw.stop();
  });

  test("a gateway.port change in the file restarts onto the new port", async () => {
    const gw = await spawnGateway({ config: { gateway: { reload: { debounceMs: 50 } } } });
    const next = freePort();
    const config = JSON.parse(readFileSync(gw.configPath, "utf8"));
    config.gateway.port = next;
    writeFileSync(gw.configPath, JSON.stringify(config));
    await waitUntil(() => healthOk(next));
    expect(await healthOk(gw.port)).toBe(false);
    const socket = await connectOperator(`ws://127.0.0.1:${next}`, gw.token, ["operator.read"]);
    expect((await socket.request("health")).ok).toBe(true);
    socket.close();
    await gw.stop();
  });
});

describe("config hot reload", () => {
  test("a hot-safe change applies without restart; an invalid edit keeps serving and logs the location", async () => {
    const gw = await spawnGateway({ config: { gateway: { reload: { debounceMs: 50 } } } });
    const client = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const config = JSON.parse(readFileSync(gw.configPath, "utf8"));
    config.gateway.auth.token = "rotated-token-value";
    writeFileSync(gw.configPath, JSON.stringify(config));
    await waitUntil(async () => {
      const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: "rotated-token-value" } }));
      socket.close();
      return hello.ok === true;
    });
    // The existing connection was not restarted.
    expect((await client.request("health")).ok).toBe(true);

    writeFileSync(gw.configPath, '{\n  gateway: { mode: "local",, }\n}\n');
    await gw.waitForOutput(/config reload rejected: .*openclaw\.json:2:\d+/);
    expect((await client.request("health")).ok).toBe(true);
    const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: "rotated-token-value" } }));
    expect(hello.ok).toBe(true);
    socket.close();
    client.close();
    await gw.stop();
  });
});

describe("secrets never reach the log", () => {
  test("token and password strings are absent from the log file after use", async () => {
    const token = "tok-" + crypto.randomUUID();
    const gw = await spawnGateway({ token, args: ["--verbose", "--ws-log", "full"] });
    const good = await connectOperator(gw.url, token, ["operator.admin"]);
    await good.request("config.get", {});
    const { socket } = await handshake(gw.url, connectParams({ auth: { token: token + "x" } }));
    await socket.closed;
    good.close();
    await gw.stop();
    const log = readFileSync(gw.logFile, "utf8");
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(token);
    expect(gw.output()).not.toContain(token);

    const password = "pw-" + crypto.randomUUID();
    const pw = await spawnGateway({ token: null, args: ["--password", password, "--verbose"] });
    const ok = await handshake(pw.url, connectParams({ auth: { password } }));
    expect(ok.hello.ok).toBe(true);
    ok.socket.close();
    await pw.stop();
    expect(readFileSync(pw.logFile, "utf8")).not.toContain(password);
    expect(pw.output()).not.toContain(password);
  });
});
