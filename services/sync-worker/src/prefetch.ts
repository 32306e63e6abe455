/**
 * Iterates `source` one item ahead: while the caller works on item n (writing a page to
 * Postgres), item n+1 is already being fetched from the vendor. A failure of the prefetch
 * surfaces when the caller asks for that item, never as an unhandled rejection.
 */
export async function* prefetch<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  next.catch(() => undefined);
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.(undefined);
  }
}
