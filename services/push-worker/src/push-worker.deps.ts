import type { Queue } from 'bullmq';
import type { ComplianceRules, RiskWeights } from '@trustsync/posture';
import type { ConnectorDeps } from './connector-session';

/** Everything the push-queue handlers are given by the composition root (or a test). */
export interface PushWorkerDeps extends ConnectorDeps {
  /** Producer of the push queue: evaluations enqueue sends and commands on it. */
  pushQueue: Queue;
  rules: ComplianceRules;
  riskWeights: RiskWeights;
  pushBaseline: boolean;
  commandPollMs: number;
  commandTimeoutMs: number;
  now?: () => Date;
}
