import type { Queue } from 'bullmq';

/** Polls `probe` every 50 ms until it returns a truthy value, which it returns; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `queue` has had nothing waiting, prioritised, delayed or active for five polls in a row. */
export async function queueIdle(queue: Queue, timeoutMs = 60_000): Promise<void> {
  let quietRounds = 0;
  await waitFor(`${queue.name} queue idle`, async () => {
    const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    quietRounds = Object.values(c).every((n) => n === 0) ? quietRounds + 1 : 0;
    return quietRounds >= 5;
  }, timeoutMs);
}
