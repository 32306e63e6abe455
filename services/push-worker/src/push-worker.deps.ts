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
  /** How long after the last staged push of a tenant its activation waits for more (default 5 s). */
  activationDebounceMs?: number;
  /** The most the debounce may postpone the activation of the oldest staged push (default 60 s). */
  activationMaxWaitMs?: number;
  now?: () => Date;
}
