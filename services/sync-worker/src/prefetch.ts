/** An item being fetched ahead, and its result once it has arrived. */
interface Ahead<T> {
  next: Promise<IteratorResult<T>>;
  arrived?: IteratorResult<T>;
}

/**
 * Iterates `source` up to `depth` items ahead, in groups: each group is the next item (waited for)
 * and those after it that have already arrived, at most `maxGroup`. While the caller works on a
 * group (writing pages to Postgres), the following items are already being fetched from the
 * vendor, one after another (an async generator runs its queued `next()` calls in order, so the
 * source still sees one request at a time). A caller slower than the vendor gets bigger groups.
 * A failure of a read-ahead surfaces when the caller reaches that item, never as an unhandled
 * rejection.
 */
export async function* prefetchGroups<T>(source: AsyncIterable<T>, depth = 1, maxGroup = 1): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  const ahead: Array<Ahead<T>> = [];
  const pull = (): void => {
    const slot: Ahead<T> = { next: it.next() };
    slot.next.then((r) => (slot.arrived = r), () => undefined);
    ahead.push(slot);
  };
  try {
    for (let i = 0; i < Math.max(1, depth); i++) pull();
    for (;;) {
      const first = await ahead.shift()!.next;
      if (first.done) return;
      pull();
      const group = [first.value];
      while (group.length < maxGroup && ahead[0]?.arrived && !ahead[0].arrived.done) {
        group.push(ahead.shift()!.arrived!.value as T);
        pull();
      }
      yield group;
    }
  } finally {
    await it.return?.(undefined);
  }
}

/** Iterates `source` up to `depth` items ahead, one item at a time (see prefetchGroups). */
export async function* prefetch<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  for await (const [item] of prefetchGroups(source, depth, 1)) yield item;
}
