import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { JobsOptions, Queue } from 'bullmq';
import { QUEUE_NAMES } from './queues';
import { validatePayload } from './payload';

/** Job names of the push queue. Stable forever; a breaking payload change gets a new name. */
export const PUSH_JOBS = {
  evaluate: 'posture.evaluate',
  send: 'push.send',
  command: 'command.run',
  activate: 'push.activate',
} as const;
export type PushJobName = (typeof PUSH_JOBS)[keyof typeof PUSH_JOBS];

/** Why a posture evaluation was asked for (kept on the pushes it makes). */
export const EVALUATION_REASONS = ['sync', 'webhook', 'api', 'schedule', 'retry'] as const;
export type EvaluationReason = (typeof EVALUATION_REASONS)[number];

/** Most ids one evaluation job carries; larger sets are split. */
export const MAX_EVALUATION_BATCH = 500;

const PLATFORM_DEVICE_ID = /^DEV-[0-9A-Z]{12}$/;
const PLATFORM_DETECTION_ID = /^DET-[0-9A-Z]{12}$/;
const ROW_ID = /^\d{1,18}$/;

/** Evaluate the posture of these devices (and of the devices of these detections) and push what changed. */
export class PostureEvaluationJobData {
  @IsArray()
  @ArrayMaxSize(MAX_EVALUATION_BATCH)
  @IsString({ each: true })
  @Matches(PLATFORM_DEVICE_ID, { each: true })
  deviceIds!: string[];

  /** New or changed detections: a threat widens the routing to every configured tool and may fire response rules. */
  @IsArray()
  @ArrayMaxSize(MAX_EVALUATION_BATCH)
  @IsString({ each: true })
  @Matches(PLATFORM_DETECTION_ID, { each: true })
  detectionIds!: string[];

  @IsIn(EVALUATION_REASONS)
  reason!: EvaluationReason;

  @IsOptional()
  @IsString()
  @Matches(/^INT-[0-9A-Z]{12}$/)
  integrationId?: string;
}

/** Send one push row. The row holds the state, target and idempotency key; the job only its id. */
export class PushJobData {
  @IsString()
  @Matches(ROW_ID)
  pushId!: string;
}

/** Run (then poll to completion) one command row. */
export class CommandJobData {
  @IsString()
  @Matches(ROW_ID)
  commandId!: string;
}

/** Activate the changes pushes staged in one integration's tenant (ZIA), then complete the pushes it covers. */
export class ActivationJobData {
  @IsString()
  @Matches(/^INT-[0-9A-Z]{12}$/)
  integrationId!: string;
}

/** Each job name with its payload class: producers and the worker's dispatch both read this one table. */
export const PUSH_JOB_PAYLOADS = {
  [PUSH_JOBS.evaluate]: PostureEvaluationJobData,
  [PUSH_JOBS.send]: PushJobData,
  [PUSH_JOBS.command]: CommandJobData,
  [PUSH_JOBS.activate]: ActivationJobData,
} as const satisfies Record<PushJobName, new () => object>;

/** The payload type of a push-queue job name. */
export type PushJobPayload<N extends PushJobName> = InstanceType<(typeof PUSH_JOB_PAYLOADS)[N]>;

function assertPushQueue(queue: Queue): void {
  if (queue.name !== QUEUE_NAMES.push) throw new Error(`push jobs go to the ${QUEUE_NAMES.push} queue, not ${queue.name}`);
}

/** Job options of a push-queue job; evaluations are cheap and idempotent, so they keep less history. */
// Evaluations come in thousands after a large sync; BullMQ takes jobs without a priority first, so
// pushes (an operator's, and those evaluations produce) never wait behind that backlog.
const EVALUATION_PRIORITY = 10;
const EVALUATION_OPTIONS: JobsOptions = { attempts: 3, priority: EVALUATION_PRIORITY, removeOnComplete: { count: 500, age: 24 * 3600 } };

/**
 * Asks the push worker to evaluate devices whose signals changed (called by the sync worker's
 * change hook and by the webhook worker). Splits large sets; returns the job ids.
 */
export async function enqueuePostureEvaluation(
  queue: Queue,
  platformDeviceIds: string[],
  reason: EvaluationReason,
  extra: { detectionIds?: string[]; integrationId?: string } = {},
): Promise<string[]> {
  assertPushQueue(queue);
  const deviceIds = [...new Set(platformDeviceIds)];
  const detectionIds = [...new Set(extra.detectionIds ?? [])];
  const ids: string[] = [];
  const batches = Math.max(1, Math.ceil(Math.max(deviceIds.length, detectionIds.length) / MAX_EVALUATION_BATCH));
  if (deviceIds.length === 0 && detectionIds.length === 0) return ids;
  for (let b = 0; b < batches; b++) {
    const slice = (all: string[]): string[] => all.slice(b * MAX_EVALUATION_BATCH, (b + 1) * MAX_EVALUATION_BATCH);
    const data = await validatePayload(PostureEvaluationJobData, { deviceIds: slice(deviceIds), detectionIds: slice(detectionIds), reason, ...(extra.integrationId ? { integrationId: extra.integrationId } : {}) });
    const job = await queue.add(PUSH_JOBS.evaluate, { ...data }, EVALUATION_OPTIONS);
    ids.push(job.id!);
  }
  return ids;
}

/**
 * Enqueues the send of a push row. The job id is derived from the row id (plus the retry round),
 * so a duplicate request or a re-enqueue of the same row adds nothing.
 */
export async function enqueuePush(queue: Queue, pushId: string, retryRound = 0): Promise<string> {
  assertPushQueue(queue);
  const data = await validatePayload(PushJobData, { pushId });
  const job = await queue.add(PUSH_JOBS.send, { ...data }, { jobId: retryRound > 0 ? `push-${pushId}-retry-${retryRound}` : `push-${pushId}` });
  return job.id!;
}

/** Enqueues a command row; the job id is derived from the row id. */
export async function enqueueCommand(queue: Queue, commandId: string): Promise<string> {
  assertPushQueue(queue);
  const data = await validatePayload(CommandJobData, { commandId });
  const job = await queue.add(PUSH_JOBS.command, { ...data }, { jobId: `command-${commandId}` });
  return job.id!;
}

/** The deduplication id of an integration's activation job: one queued (and one running) per tenant. */
export function activationDeduplicationId(integrationId: string): string {
  return `push-activate:${integrationId}`;
}

/**
 * Asks for one activation of an integration's staged changes, `delayMs` from now (a debounce).
 * Every call while the job still waits replaces it and restarts the delay, so a burst of pushes
 * ends in one activation after the last of them. A call while it runs keeps one follow-up job
 * (`keepLastIfActive`): a push staged after the running job read its batch is never dropped.
 * A TTL-based debounce would drop it, since a call inside the TTL is ignored while the job runs.
 */
export async function enqueueActivation(queue: Queue, integrationId: string, delayMs: number): Promise<string> {
  assertPushQueue(queue);
  const data = await validatePayload(ActivationJobData, { integrationId });
  const job = await queue.add(PUSH_JOBS.activate, { ...data }, {
    delay: Math.max(0, Math.round(delayMs)),
    deduplication: { id: activationDeduplicationId(integrationId), replace: true, keepLastIfActive: true },
    removeOnComplete: { count: 500, age: 24 * 3600 },
  });
  return job.id!;
}

/** A change a sync page or a webhook made to platform entities (the sync processor's change hook shape). */
export interface EntityChange {
  integrationId: string;
  entity: string;
  platformIds: string[];
}

/**
 * Turns an entity change into posture evaluations: changed devices are evaluated, changed
 * detections evaluate (and may trigger responses for) their devices; other entities change no posture.
 */
export async function enqueueEvaluationForChange(queue: Queue, change: EntityChange, reason: EvaluationReason): Promise<string[]> {
  if (change.entity === 'device') return enqueuePostureEvaluation(queue, change.platformIds, reason, { integrationId: change.integrationId });
  if (change.entity === 'detection') return enqueuePostureEvaluation(queue, [], reason, { detectionIds: change.platformIds, integrationId: change.integrationId });
  return [];
}
