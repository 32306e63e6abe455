import { Batcher } from './batcher';

/** A run that records each batch it is given and answers when released. */
function gated() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const batcher = new Batcher<number, number>(async (inputs) => {
    batches.push(inputs);
    await new Promise<void>((release) => gates.push(release));
    if (inputs.includes(-1)) throw new Error('refused');
    return inputs.map((n) => n * 10);
  }, 3);
  return { batches, gates, batcher };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('runs a lone call by itself', async () => {
    const { batches, gates, batcher } = gated();
    const answer = batcher.submit(1);
    await tick();
    gates[0]();
    expect([await answer, batches]).toEqual([10, [[1]]]);
  });

  it('runs the calls made while a batch runs as the next batch, at most maxBatch at a time', async () => {
    const { batches, gates, batcher } = gated();
    const answers = [batcher.submit(1)];
    await tick();
    answers.push(batcher.submit(2), batcher.submit(3), batcher.submit(4), batcher.submit(5));
    gates[0]();
    await tick();
    await tick();
    gates[1]();
    await tick();
    await tick();
    gates[2]();
    expect([await Promise.all(answers), batches]).toEqual([[10, 20, 30, 40, 50], [[1], [2, 3, 4], [5]]]);
  });

  it('rejects every call of a batch whose run throws, and only those', async () => {
    const { gates, batcher } = gated();
    const first = batcher.submit(-1);
    await tick();
    const second = batcher.submit(2);
    gates[0]();
    await expect(first).rejects.toThrow('refused');
    await tick();
    gates[1]();
    expect(await second).toBe(20);
  });
});
