import type { Job, Worker } from 'bullmq';
import type { TrustSyncMetrics } from './metrics.registry';

function attemptMs(job: Job): number {
  const started = job.processedOn ?? job.timestamp;
  return (job.finishedOn ?? Date.now()) - started;
}

/**
 * Records every attempt a BullMQ worker finishes (duration from `processedOn` to `finishedOn`,
 * by queue, job name and outcome). Listens only; the processor is untouched.
 */
export function attachWorkerMetrics(worker: Worker, metrics: TrustSyncMetrics): void {
  worker.on('completed', (job) => metrics.jobFinished({ queue: worker.name, jobName: job.name, outcome: 'completed', durationMs: attemptMs(job) }));
  worker.on('failed', (job) => {
    if (job) metrics.jobFinished({ queue: worker.name, jobName: job.name, outcome: 'failed', durationMs: attemptMs(job) });
  });
}
