// Server-Sent Events parsing that survives any chunking: bytes split mid-character, lines split mid-way,
// CRLF split across chunks, multi-line `data:`, comments. One event per blank line (WHATWG rules).

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** Incremental parser: feed text in any pieces, get complete events back. */
export class SseParser {
  #buffer = "";
  #data: string[] = [];
  #event: string | undefined;
  #id: string | undefined;
  #pendingCR = false;

  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let input = text;
    // A chunk that ended in "\r" may continue with "\n": that pair is one line break, not two.
    if (this.#pendingCR && input.startsWith("\n")) input = input.slice(1);
    this.#pendingCR = false;
    this.#buffer += input;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const ch = this.#buffer[i];
      if (ch !== "\n" && ch !== "\r") continue;
      const line = this.#buffer.slice(start, i);
      if (ch === "\r") {
        if (i + 1 < this.#buffer.length) {
          if (this.#buffer[i + 1] === "\n") i++;
        } else {
          this.#pendingCR = true;
        }
      }
      start = i + 1;
      const event = this.#line(line);
      if (event) out.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  /** End of stream: a final event without its blank line is still delivered. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.#buffer.length > 0) {
      const event = this.#line(this.#buffer);
      if (event) out.push(event);
      this.#buffer = "";
    }
    const last = this.#dispatch();
    if (last) out.push(last);
    return out;
  }

  #line(line: string): SseEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
    else if (field === "id") this.#id = value;
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    if (this.#data.length === 0) {
      this.#event = undefined;
      return undefined;
    }
    const event: SseEvent = { data: this.#data.join("\n") };
    if (this.#event !== undefined) event.event = this.#event;
    if (this.#id !== undefined) event.id = this.#id;
    this.#data = [];
    this.#event = undefined;
    return event;
  }
}

/** Iterates the events of a byte stream; `onChunk` runs per chunk received (idle-timeout bookkeeping). */
export async function* readSse(body: ReadableStream<Uint8Array>, onChunk?: () => void): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const chunk of body) {
    onChunk?.();
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
