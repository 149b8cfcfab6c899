// The scheduler's jobs ordered by next run: an indexed binary min-heap, so arming the timer reads the earliest
// in O(1) and a change to one job (add, update, remove, run start or end) costs O(log n), not a scan of 10,000.

/** One queued job: its due instant, and its insertion rank to keep ties in the order jobs were added. */
export interface DueEntry {
  id: string;
  at: number;
  seq: number;
}

/** True when `a` runs before `b`: earlier instant first, then the job added first. */
export function before(a: DueEntry, b: DueEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A min-heap of jobs keyed by next run, addressable by job id so one job's entry can move or leave. */
export class DueQueue {
  #heap: DueEntry[] = [];
  #index = new Map<string, number>();

  get size(): number {
    return this.#heap.length;
  }

  peek(): DueEntry | undefined {
    return this.#heap[0];
  }

  /** Inserts the job or moves it to its new instant. */
  set(id: string, at: number, seq: number): void {
    const i = this.#index.get(id);
    if (i === undefined) {
      this.#heap.push({ id, at, seq });
      this.#index.set(id, this.#heap.length - 1);
      this.#up(this.#heap.length - 1);
      return;
    }
    const entry = this.#heap[i]!;
    entry.at = at;
    entry.seq = seq;
    // At most one of the two moves it (as in delete), so the order rule lives in before() alone.
    this.#up(i);
    this.#down(this.#index.get(id)!);
  }

  delete(id: string): boolean {
    const i = this.#index.get(id);
    if (i === undefined) return false;
    const last = this.#heap.pop()!;
    this.#index.delete(id);
    if (i < this.#heap.length) {
      this.#heap[i] = last;
      this.#index.set(last.id, i);
      this.#up(i);
      this.#down(this.#index.get(last.id)!);
    }
    return true;
  }

  pop(): DueEntry | undefined {
    const top = this.#heap[0];
    if (top) this.delete(top.id);
    return top;
  }

  /** Every entry in run order (a copy; for checks and tests, O(n log n)). */
  ordered(): DueEntry[] {
    return [...this.#heap].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i]!;
    const b = this.#heap[j]!;
    this.#heap[i] = b;
    this.#heap[j] = a;
    this.#index.set(b.id, i);
    this.#index.set(a.id, j);
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.#heap[i]!, this.#heap[parent]!)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && before(this.#heap[l]!, this.#heap[min]!)) min = l;
      if (r < n && before(this.#heap[r]!, this.#heap[min]!)) min = r;
      if (min === i) return;
      this.#swap(i, min);
      i = min;
    }
  }
}
