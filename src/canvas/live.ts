// Live reload: viewers of canvas documents hold a Server-Sent Events stream; a change under the canvas root
// (an agent's write tool, exec, an editor) sends them `reload` once the burst of writes settles. The root is
// watched only while someone is watching, and the number of viewers and each one's buffer are bounded.
import { mkdirSync, watch } from "node:fs";

/** A running watch of a folder tree. */
export interface Watcher {
  close(): void;
}

/** Starts watching `root` recursively; `onChange` gets the changed path relative to it (tests inject their own). */
export type WatchFactory = (root: string, onChange: (file: string) => void, onError: (error: Error) => void) => Watcher;

/** Viewers at once; past it a new one is answered 503 instead of queued. */
export const MAX_VIEWERS = 256;
/** Unread bytes one viewer may hold before it is dropped as a slow consumer (EventSource reconnects). */
const MAX_VIEWER_BUFFER = 64 * 1024;
/** Writes closer together than this are one change (an editor's save, a tool's temp file and rename). */
const DEBOUNCE_MS = 75;
/** Below Bun's 10 s idle timeout, so an idle stream is never cut by the listener. */
const HEARTBEAT_MS = 5_000;

/** fs.watch recursive (Linux inotify through Bun); dotfiles and node_modules are not content. */
export const fsWatch: WatchFactory = (root, onChange, onError) => {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const watcher = watch(root, { recursive: true }, (_event, file) => {
    const name = typeof file === "string" ? file : "";
    if (/(^|[\\/])(\.|node_modules([\\/]|$))/.test(name)) return;
    onChange(name);
  });
  watcher.on("error", onError);
  return { close: () => watcher.close() };
};

interface Viewer {
  controller: ReadableStreamDefaultController<Uint8Array>;
}

export interface LiveReloadOptions {
  root: () => string;
  watch?: WatchFactory;
  onError?: (message: string) => void;
}

const encoder = new TextEncoder();

/** The viewers of one gateway generation and the watch that wakes them. */
export class LiveReload {
  readonly #viewers = new Set<Viewer>();
  readonly #options: LiveReloadOptions;
  #watcher: Watcher | undefined;
  #watchedRoot: string | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #reloads = 0;

  constructor(options: LiveReloadOptions) {
    this.#options = options;
  }

  get viewers(): number {
    return this.#viewers.size;
  }

  /** A new viewer's event stream, or undefined when MAX_VIEWERS are already connected. */
  subscribe(): ReadableStream<Uint8Array> | undefined {
    if (this.#viewers.size >= MAX_VIEWERS) return undefined;
    let viewer: Viewer | undefined;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          viewer = { controller };
          this.#viewers.add(viewer);
          controller.enqueue(encoder.encode(`: connected\n\n`));
          this.#ensureWatching();
        },
        cancel: () => {
          if (viewer) this.#drop(viewer);
        },
      },
      { highWaterMark: MAX_VIEWER_BUFFER, size: (chunk) => chunk?.byteLength ?? 0 },
    );
  }

  /** Tells every viewer to reload now (a change was seen, or a caller wrote a document itself). */
  reload(): void {
    this.#reloads += 1;
    this.#send(encoder.encode(`event: reload\ndata: ${this.#reloads}\n\n`));
  }

  /** The root may have moved (config hot reload): watch the new one if anyone is watching. */
  rootChanged(): void {
    if (this.#watchedRoot !== undefined && this.#watchedRoot !== this.#options.root()) {
      this.#stopWatching();
      if (this.#viewers.size > 0) this.#ensureWatching();
    }
  }

  close(): void {
    for (const viewer of [...this.#viewers]) {
      this.#drop(viewer);
      try {
        viewer.controller.close();
      } catch {}
    }
    this.#stopWatching();
  }

  #send(bytes: Uint8Array): void {
    for (const viewer of [...this.#viewers]) {
      const room = viewer.controller.desiredSize ?? 0;
      if (room < bytes.byteLength) {
        // A viewer that stopped reading: drop it rather than grow its buffer without bound.
        this.#drop(viewer);
        try {
          viewer.controller.error(new Error("slow viewer"));
        } catch {}
        continue;
      }
      viewer.controller.enqueue(bytes);
    }
  }

  #changed(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.reload();
    }, DEBOUNCE_MS);
  }

  #ensureWatching(): void {
    this.#heartbeat ??= setInterval(() => this.#send(encoder.encode(`: keepalive\n\n`)), HEARTBEAT_MS);
    if (this.#watcher) return;
    const root = this.#options.root();
    const factory = this.#options.watch ?? fsWatch;
    try {
      this.#watcher = factory(root, () => this.#changed(), (error) => {
        this.#options.onError?.(`canvas live reload stopped watching ${root}: ${error.message}`);
        this.#stopWatching();
      });
      this.#watchedRoot = root;
    } catch (error) {
      this.#options.onError?.(`canvas live reload cannot watch ${root}: ${(error as Error).message}`);
    }
  }

  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#watchedRoot = undefined;
    clearTimeout(this.#debounce);
    this.#debounce = undefined;
  }

  #drop(viewer: Viewer): void {
    this.#viewers.delete(viewer);
    if (this.#viewers.size > 0) return;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#stopWatching();
  }
}
