interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers calls into batches: calls made while a batch runs wait and run together as the next one
 * (at most `maxBatch`). A lone call runs on the next turn of the event loop, so batching adds no
 * timer and no latency: batches grow only when work arrives faster than it is done.
 */
export class Batcher<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private running = false;
  private scheduled = false;

  /** `run` answers one output per input, in input order; if it throws, every call of the batch rejects. */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a whole number of at least 1, not ${maxBatch}`);
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.next();
    });
  }

  private async next(): Promise<void> {
    if (this.running) return;
    const batch = this.waiting.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.running = true;
    try {
      const outputs = await this.run(batch.map((w) => w.input));
      batch.forEach((w, i) => w.resolve(outputs[i]));
    } catch (err) {
      batch.forEach((w) => w.reject(err));
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
