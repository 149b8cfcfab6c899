// Small local network facts for diagnostics: does anything accept TCP on a loopback port?

/** True when 127.0.0.1:port accepts a TCP connection within `timeoutMs`. */
export function tcpAccepts(port: number, timeoutMs = 1000, hostname = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    Bun.connect({
      hostname,
      port,
      socket: {
        open(socket) {
          socket.end();
          finish(true);
        },
        data() {},
        error() {
          finish(false);
        },
        connectError() {
          finish(false);
        },
      },
    }).catch(() => finish(false));
  });
}
