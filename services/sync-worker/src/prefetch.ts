/**
 * Iterates `source` up to `depth` items ahead: while the caller works on item n (writing a page
 * to Postgres), items n+1 … n+depth are already being fetched from the vendor, one after another
 * (an async generator runs its queued `next()` calls in order, so the source still sees one
 * request at a time). A failure of a read-ahead surfaces when the caller asks for that item,
 * never as an unhandled rejection.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const ahead: Array<Promise<IteratorResult<T>>> = [];
  const pull = (): void => {
    const next = it.next();
    next.catch(() => undefined);
    ahead.push(next);
  };
  try {
    for (let i = 0; i < Math.max(1, depth); i++) pull();
    for (;;) {
      const r = await ahead.shift()!;
      if (r.done) return;
      pull();
      yield r.value;
    }
  } finally {
    await it.return?.(undefined);
  }
}
