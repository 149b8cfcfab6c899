// `logs.tail` (spec §3.3): complete lines of a log file after a byte cursor. Unlike the reference, which
// jumps the cursor to the file size (losing a half-written last line and anything past the window),
// the cursor here always lands just after a newline, so polling with the returned cursor yields every
// line exactly once. The only deliberate losses are flagged: `truncated` (the first tail without a
// cursor starts near the end; a single line longer than maxBytes) and `reset` (the file shrank).
import { open, stat } from "node:fs/promises";
import type { LogTailRequest, LogTailResult } from "./types.ts";

const NEWLINE = 0x0a;

/** Reads the next window of complete lines; a missing file is an empty result, never an error. */
export async function readLogTail(request: LogTailRequest): Promise<LogTailResult> {
  const { file } = request;
  const limit = Math.max(1, Math.floor(request.limit));
  const maxBytes = Math.max(1, Math.floor(request.maxBytes));
  const missing: LogTailResult = { file, cursor: 0, size: 0, lines: [], truncated: false, reset: false };
  const size = await fileSize(file);
  if (size === undefined) return missing;

  const requested = request.cursor === undefined ? undefined : Math.max(0, Math.floor(request.cursor));
  const reset = requested !== undefined && requested > size;
  // Without a cursor this is the first look: show the newest lines, like `tail`.
  const fromEnd = requested === undefined;
  const start = fromEnd ? Math.max(0, size - maxBytes) : reset ? 0 : requested;
  if (start >= size) return { file, cursor: start, size, lines: [], truncated: false, reset };

  // One byte before the window tells whether `start` is at a line start.
  const readFrom = start > 0 ? start - 1 : 0;
  const bytes = await readRange(file, readFrom, Math.min(size, start + maxBytes) - readFrom);
  if (bytes === undefined) return missing;
  const window = start > 0 ? bytes.subarray(1) : bytes;
  const atLineStart = start === 0 || bytes[0] === NEWLINE;
  const windowReachesEnd = start + window.length >= size;
  const slice = completeLines(window, atLineStart, windowReachesEnd, request.accept);

  let lines = slice.lines;
  let truncated = (fromEnd && start > 0) || slice.skipped > 0;
  if (lines.length > limit) {
    // First look: keep the newest. Following a cursor: keep the oldest and stop the cursor after them,
    // so the rest comes with the next poll instead of being dropped.
    if (fromEnd) {
      lines = lines.slice(-limit);
      truncated = true;
    } else {
      slice.consumed = slice.lineEnds[limit - 1] ?? slice.consumed;
      lines = lines.slice(0, limit);
    }
  }
  const result: LogTailResult = { file, cursor: start + slice.consumed, size, lines, truncated, reset };
  if (slice.skipped > 0) result.skippedBytes = slice.skipped;
  return result;
}

interface LineSlice {
  lines: string[];
  /** Offset in the window just after each returned line's newline. */
  lineEnds: number[];
  /** Bytes of the window the cursor moves past. */
  consumed: number;
  /** Bytes passed over without being returned (a partial or over-long line). */
  skipped: number;
}

/** Splits a window into its complete lines, skipping a leading partial line and over-long lines. */
function completeLines(window: Uint8Array, atLineStart: boolean, windowReachesEnd: boolean, accept?: (line: string) => boolean): LineSlice {
  const slice: LineSlice = { lines: [], lineEnds: [], consumed: 0, skipped: 0 };
  let offset = 0;
  if (!atLineStart) {
    // The cursor is inside a line (first look, or after skipping an over-long line): drop up to its end.
    const end = window.indexOf(NEWLINE);
    if (end < 0) return windowReachesEnd ? slice : { ...slice, consumed: window.length, skipped: window.length };
    offset = end + 1;
    slice.consumed = slice.skipped = offset;
  }
  const last = window.lastIndexOf(NEWLINE);
  if (last < offset) {
    // No newline left. At the end of the file this is a line still being written: wait for it. A full
    // window without a newline is a line longer than maxBytes: skip it, or the cursor never moves.
    if (!windowReachesEnd) slice.consumed = slice.skipped = window.length;
    return slice;
  }
  const decoder = new TextDecoder();
  while (offset <= last) {
    const end = window.indexOf(NEWLINE, offset);
    const text = decoder.decode(window.subarray(offset, end > offset && window[end - 1] === 0x0d ? end - 1 : end));
    offset = end + 1;
    // Blank lines carry nothing, and other writers' lines are not ours to show; both still move the cursor.
    if (text !== "" && (!accept || accept(text))) {
      slice.lines.push(text);
      slice.lineEnds.push(offset);
    }
  }
  slice.consumed = offset;
  return slice;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** The bytes at [position, position+length), fewer at EOF; undefined when the file vanished meanwhile. */
async function readRange(file: string, position: number, length: number): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
