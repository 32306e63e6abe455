import type { Logger } from './logger';

/** One step of an orderly shutdown, run in registration order. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Runs the steps in order on SIGTERM or SIGINT, each under what is left of one overall deadline,
 * then sets the exit code and lets the event loop drain (so the logger flushes).
 */
export function onShutdown(logger: Logger, deadlineMs: number, steps: ShutdownStep[]): () => Promise<void> {
  let started: Promise<void> | undefined;
  const run = (): Promise<void> => {
    if (started) return started;
    started = (async () => {
      const end = Date.now() + deadlineMs;
      for (const step of steps) {
        const left = Math.max(0, end - Date.now());
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            step.run(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`timed out after ${left} ms`)), left);
            }),
          ]);
        } catch (err) {
          logger.warn('shutdown step failed', { step: step.name, err });
        } finally {
          clearTimeout(timer);
        }
      }
      logger.info('shutdown complete');
      process.exitCode = 0;
      // A handle left open by a library must not keep a stopped process alive.
      setTimeout(() => process.exit(), 1000).unref();
    })();
    return started;
  };
  process.once('SIGTERM', () => void run());
  process.once('SIGINT', () => void run());
  return run;
}
