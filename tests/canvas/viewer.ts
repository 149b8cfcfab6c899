// A live-reload viewer as the injected script is one: an SSE client on /__openclaw__/canvas-live that counts
// `reload` events, with a wait for the next one (no sleeps: it resolves on the event itself).

export interface Viewer {
  response: Response;
  /** How many `reload` events arrived so far: take it before the action that should cause one. */
  mark(): number;
  /** Resolves once more than `mark` reloads have arrived (or rejects after timeoutMs). */
  reloadAfter(mark: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the host ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens the stream and waits for its first bytes (the host's `: connected` comment: the watch is running). */
export async function openViewer(url: string, headers: Record<string, string> = {}): Promise<Viewer> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { Accept: "text/event-stream", ...headers }, signal: abort.signal });
  if (response.status !== 200) throw new Error(`viewer refused: ${response.status} ${await response.text()}`);
  let buffer = "";
  let seen = 0;
  const wakers = new Set<() => void>();
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk, { stream: true });
        if (buffer.includes(": connected")) connected();
        seen = buffer.split("event: reload").length - 1;
        for (const wake of wakers) wake();
      }
    } catch {}
  })();
  await ready;
  return {
    response,
    mark: () => seen,
    reloadAfter(mark, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (seen <= mark) return;
          wakers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`no reload within ${timeoutMs} ms; stream so far:\n${buffer}`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
    },
    ended,
    close: () => abort.abort(),
  };
}
