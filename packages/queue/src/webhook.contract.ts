import { IsString, Matches } from 'class-validator';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES } from './queues';
import { validatePayload } from './payload';

/** Job name of applying one stored webhook event. Stable forever. */
export const WEBHOOK_JOB = 'webhook.apply' as const;

/**
 * Payload of a webhook job: the event row id only. The vendor body stays in Postgres
 * (integration_events), never in Redis, where job data is stored in clear text.
 */
export class WebhookJobData {
  @IsString()
  @Matches(/^EVT-[0-9A-Z]{12}$/)
  eventId!: string;
}

/**
 * Enqueues one job per event, each with job id = event id, so enqueuing an event that already
 * has a job (the ingress and the outbox sweeper racing) adds nothing.
 */
export async function enqueueWebhookEvents(queue: Queue, eventIds: string[]): Promise<void> {
  if (queue.name !== QUEUE_NAMES.webhook) throw new Error(`webhook jobs go to the ${QUEUE_NAMES.webhook} queue, not ${queue.name}`);
  if (eventIds.length === 0) return;
  const payloads = await Promise.all(eventIds.map((eventId) => validatePayload(WebhookJobData, { eventId })));
  await queue.addBulk(payloads.map((p) => ({ name: WEBHOOK_JOB, data: { eventId: p.eventId }, opts: { jobId: p.eventId } })));
}

/**
 * Makes room for a replay: a finished (completed or failed) job still holds the event's id and
 * would swallow a new one, so it is removed. A waiting, delayed or active job is left alone:
 * it will run the replayed event anyway. Returns true when the event needs a new job.
 */
export async function clearFinishedWebhookJob(queue: Queue, eventId: string): Promise<boolean> {
  const job = await queue.getJob(eventId);
  if (!job) return true;
  const state = await job.getState();
  if (state !== 'completed' && state !== 'failed') return false;
  await job.remove();
  return true;
}
