import { prefetch, prefetchGroups } from './prefetch';
import { writableRuns } from './sync.processor';

/** A source of `n` numbers whose item i arrives when `release(i)` is called. */
function gatedSource(n: number) {
  const gates = Array.from({ length: n }, () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { open, opened };
  });
  const requested: number[] = [];
  async function* source(): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) {
      requested.push(i);
      await gates[i].opened;
      yield i;
    }
  }
  return { source: source(), release: (i: number) => gates[i].open(), requested };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('prefetchGroups', () => {
  it('hands over the next item with those after it that have already arrived, at most maxGroup', async () => {
    const { source, release } = gatedSource(6);
    const groups = prefetchGroups(source, 4, 3);
    release(0);
    expect((await groups.next()).value).toEqual([0]);
    for (const i of [1, 2, 3, 4]) release(i);
    await settle();
    expect((await groups.next()).value).toEqual([1, 2, 3]);
    release(5);
    await settle();
    expect((await groups.next()).value).toEqual([4, 5]);
    expect((await groups.next()).done).toBe(true);
  });

  it('asks the source for items ahead of the caller, one after another', async () => {
    const { source, release, requested } = gatedSource(6);
    const items = prefetch(source, 3);
    release(0);
    await items.next();
    await settle();
    // Item 0 was taken and items 1-3 are asked for, though none of them has arrived yet.
    expect(requested).toEqual([0, 1]);
    release(1);
    await settle();
    expect(requested).toEqual([0, 1, 2]);
  });

  it('surfaces a failed read-ahead when the caller reaches it', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('vendor down');
    }
    const seen: number[] = [];
    await expect((async () => {
      for await (const group of prefetchGroups(failing(), 4, 4)) seen.push(...group);
    })()).rejects.toThrow('vendor down');
    expect(seen).toEqual([1]);
  });
});

describe('writableRuns', () => {
  const page = (...ids: string[]) => ({ records: ids.map((externalId) => ({ externalId })), nextCursor: null });

  it('writes arrived pages together while no external id repeats', () => {
    const pages = [page('a', 'b'), page('c'), page('d')];
    expect(writableRuns(pages)).toEqual([pages]);
  });

  it('starts a new write where a page repeats an id of the run (an offset paging shift)', () => {
    const pages = [page('a', 'b'), page('b', 'c'), page('d')];
    expect(writableRuns(pages)).toEqual([[pages[0]], [pages[1], pages[2]]]);
  });
});
