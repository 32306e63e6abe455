import { UnrecoverableError, type Job } from 'bullmq';
import { PUSH_JOBS, PUSH_JOB_PAYLOADS, validatePayload, type PushJobName, type PushJobPayload } from '@trustsync/queue';
import { runCommand } from './command-run.handler';
import { activatePushes } from './push-activation.handler';
import { evaluatePosture } from './posture-evaluation.handler';
import { sendPush } from './push-send.handler';
import type { PushWorkerDeps } from './push-worker.deps';

type Handler<N extends PushJobName> = (deps: PushWorkerDeps, job: Job, token: string | undefined, data: PushJobPayload<N>) => Promise<unknown>;

/** Exactly one handler per job name: a name without one, or with two, does not compile. */
const HANDLERS: { [N in PushJobName]: Handler<N> } = {
  [PUSH_JOBS.evaluate]: (deps, job, _token, data) => evaluatePosture(deps, data, deps.logger.child({ jobId: job.id, job: job.name })),
  [PUSH_JOBS.send]: (deps, job, token, data) => sendPush(deps, job, token, data, deps.logger.child({ jobId: job.id, job: job.name, pushId: data.pushId })),
  [PUSH_JOBS.command]: (deps, job, token, data) => runCommand(deps, job, token, data, deps.logger.child({ jobId: job.id, job: job.name, commandId: data.commandId })),
  [PUSH_JOBS.activate]: (deps, job, token, data) => activatePushes(deps, job, token, data, deps.logger.child({ jobId: job.id, job: job.name, integrationId: data.integrationId })),
};

function isJobName(name: string): name is PushJobName {
  return Object.prototype.hasOwnProperty.call(HANDLERS, name);
}

/** The push-queue processor: validates the payload again at consume, then dispatches by job name. */
export function createPushProcessor(deps: PushWorkerDeps) {
  return async function processPushJob(job: Job, token?: string): Promise<unknown> {
    if (!isJobName(job.name)) throw new UnrecoverableError(`the push queue has no job named ${job.name}`);
    return dispatch(job.name, job, token);
  };

  async function dispatch<N extends PushJobName>(name: N, job: Job, token: string | undefined): Promise<unknown> {
    let data: PushJobPayload<N>;
    try {
      data = (await validatePayload(PUSH_JOB_PAYLOADS[name] as new () => PushJobPayload<N>, job.data)) as PushJobPayload<N>;
    } catch (err) {
      throw new UnrecoverableError(`invalid ${name} payload: ${err instanceof Error ? err.message : String(err)}`);
    }
    return (HANDLERS[name] as Handler<N>)(deps, job, token, data);
  }
}
