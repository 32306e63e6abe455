/** Raised by `withDeadline` when the work did not finish in time. */
export class DeadlineError extends Error {
  constructor(readonly label: string, readonly timeoutMs: number) {
    super(`${label} did not answer within ${timeoutMs} ms`);
    this.name = 'DeadlineError';
  }
}

/** Settles like `work`, or rejects with a DeadlineError after `timeoutMs` (the work itself is not cancelled). */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(label, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}
