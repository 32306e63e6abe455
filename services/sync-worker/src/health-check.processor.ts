import { Queue, UnrecoverableError, type ConnectionOptions, type Job } from 'bullmq';
import { IsString, Matches } from 'class-validator';
import type { DataSource } from 'typeorm';
import type { Logger, SecretBox } from '@trustsync/core';
import { createConnector, type ConnectorFactory, type OutboundPolicy, type TokenCache } from '@trustsync/connectors';
import { IntegrationEntity, healthContextOf, openCredentials, recordHealthFinding, toIntegrationView, type HealthFinding } from '@trustsync/db';
import type { TrustSyncMetrics } from '@trustsync/metrics';
import { validatePayload } from '@trustsync/queue';
import { ProbeTimeoutError, healthFromProbe, type ProbeOutcome } from './health-verdict';
import type { RateGates } from './rate-gates';

/** Queue of scheduled health checks. Stable forever: renaming it strands the job schedulers stored in Redis. */
export const HEALTH_CHECK_QUEUE = 'integration-health' as const;

/** Job name of one integration's health check. Stable forever. */
export const HEALTH_CHECK_JOB = 'integration.health-check' as const;

/** Payload of a health check: the integration id only. */
export class HealthCheckJobData {
  @IsString()
  @Matches(/^INT-[0-9A-Z]{12}$/)
  integrationId!: string;
}

const SCHEDULER_ID = /^health:(INT-[0-9A-Z]{12})$/;

/** The stable job scheduler id of one integration's health check. */
export function healthCheckSchedulerId(integrationId: string): string {
  return `health:${integrationId}`;
}

/** Opens the health check queue; finished checks are not kept (the integration row holds the result). */
export function openHealthCheckQueue(connection: ConnectionOptions, prefix: string): Queue {
  const q = new Queue(HEALTH_CHECK_QUEUE, { connection, prefix, defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 200, age: 24 * 3600 } } });
  q.on('error', () => undefined);
  return q;
}

/**
 * One job scheduler per enabled integration, every `everyMs`; schedulers of integrations that
 * are gone or disabled are removed. Idempotent, so every replica may run it.
 */
export async function reconcileHealthChecks(ds: DataSource, queue: Queue, everyMs: number): Promise<{ scheduled: number; removed: number }> {
  const wanted = new Set((await ds.getRepository(IntegrationEntity).find({ select: { id: true }, where: { enabled: true } })).map((i) => i.id));
  let removed = 0;
  for (const s of await queue.getJobSchedulers(0, -1, true)) {
    const id = SCHEDULER_ID.exec(s.key)?.[1];
    if (!id) continue;
    if (wanted.has(id) && Number(s.every) === everyMs) {
      wanted.delete(id);
    } else if (!wanted.has(id)) {
      await queue.removeJobScheduler(s.key);
      removed++;
    }
  }
  for (const id of wanted) {
    await queue.upsertJobScheduler(healthCheckSchedulerId(id), { every: everyMs }, { name: HEALTH_CHECK_JOB, data: { integrationId: id } });
  }
  return { scheduled: wanted.size, removed };
}

/** What the health check processor needs from its composition root. */
export interface HealthCheckDeps {
  dataSource: DataSource;
  secretBox: SecretBox;
  gates: RateGates;
  tokenCache: TokenCache;
  /** Where vendor requests may go (the SSRF guard); from the base config. Absent only in tests that script the vendor. */
  outbound?: OutboundPolicy;
  logger: Logger;
  timeoutMs: number;
  metrics?: TrustSyncMetrics;
  connectorFactory?: ConnectorFactory;
  now?: () => Date;
}

/** A health check's result, kept on failed jobs for Bull Board. */
export interface HealthCheckResult {
  integrationId: string;
  outcome: 'checked' | 'skipped';
  finding?: HealthFinding;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(timeoutMs)), timeoutMs);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs one scheduled health check: the connector's own connection test through the tenant's
 * shared rate gate, combined with the failure streak and any automatic stop of scheduling, and
 * stored on the integration. A vendor failure is a finding, never a failed job.
 */
export function createHealthCheckProcessor(deps: HealthCheckDeps) {
  const now = deps.now ?? (() => new Date());
  return async function processHealthCheck(job: Job): Promise<HealthCheckResult> {
    let data: HealthCheckJobData;
    try {
      data = await validatePayload(HealthCheckJobData, job.data);
    } catch (err) {
      throw new UnrecoverableError(`invalid health check payload: ${err instanceof Error ? err.message : String(err)}`);
    }
    const integration = await deps.dataSource.getRepository(IntegrationEntity).findOneBy({ id: data.integrationId });
    if (!integration || !integration.enabled) return { integrationId: data.integrationId, outcome: 'skipped' };
    const log = deps.logger.child({ jobId: job.id, integrationId: integration.id, vendor: integration.integrationType });
    const probe = await runProbe(integration, log);
    const finding = healthFromProbe(probe, await healthContextOf(deps.dataSource, integration.id), integration.integrationType, now());
    await recordHealthFinding(deps.dataSource, integration.id, finding);
    if (integration.healthStatus !== finding.status) log.info('integration health changed', { from: integration.healthStatus, to: finding.status, reason: finding.reason });
    return { integrationId: integration.id, outcome: 'checked', finding };
  };

  async function runProbe(integration: IntegrationEntity, log: Logger): Promise<ProbeOutcome> {
    try {
      const gate = deps.gates.for(integration);
      const connector = (deps.connectorFactory ?? createConnector)({
        integration: toIntegrationView(integration),
        credentials: openCredentials(integration, deps.secretBox),
        gate,
        logger: log,
        tokenCache: deps.tokenCache,
        outbound: deps.outbound,
        now,
        onResponse: deps.metrics?.vendorResponseHook(integration.integrationType, integration.id, gate),
      });
      try {
        await withTimeout(connector.testConnection(), deps.timeoutMs);
        return { ok: true };
      } finally {
        await connector.close?.();
      }
    } catch (error) {
      return { ok: false, error };
    }
  }
}
