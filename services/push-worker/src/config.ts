import { EnvReader, readBaseConfig, type BaseConfig } from '@trustsync/core';
import { DEFAULT_COMPLIANCE_RULES, DEFAULT_RISK_WEIGHTS, type ComplianceRules, type RiskWeights } from '@trustsync/posture';

/** Settings of a push worker process. */
export interface PushWorkerConfig extends BaseConfig {
  /** Push-queue jobs this process runs at once. */
  concurrency: number;
  lockDurationMs: number;
  /** Port of the small health server (0 = any free port; unset = none). */
  healthPort: number | undefined;
  /** How often a pending command's status is read from the vendor. */
  commandPollMs: number;
  /** A command still pending after this is recorded as failed (timed out). */
  commandTimeoutMs: number;
  /** How long a tenant's batched activation (ZIA) waits after the last push that staged a change. */
  activationDebounceMs: number;
  /** The most that debounce may postpone the activation of the oldest staged push. */
  activationMaxWaitMs: number;
  /** Whether a device's first evaluation is pushed even when it is compliant and low risk. */
  pushBaseline: boolean;
  rules: ComplianceRules;
  riskWeights: RiskWeights;
  /** How often the vendor request counts are added to the hourly usage table. */
  usageFlushEveryMs: number;
  shutdownDeadlineMs: number;
}

/** `macos=14.0,windows=10.0.19045` → `{ macos: '14.0', windows: '10.0.19045' }`. */
function parseMinimumVersions(r: EnvReader, raw: string | undefined): Record<string, string> {
  if (raw === undefined) return DEFAULT_COMPLIANCE_RULES.minimumOsVersions;
  const out: Record<string, string> = {};
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [os, version] = entry.split('=');
    if (!os || !version || !/^\d+(\.\d+)*$/.test(version.trim())) r.problem(`POSTURE_MIN_OS_VERSIONS entry "${entry}" must be os=version`);
    else out[os.trim().toLowerCase()] = version.trim();
  }
  return out;
}

/** Reads and validates the push worker's environment, reporting every problem at once. */
export function loadPushWorkerConfig(env: NodeJS.ProcessEnv = process.env): PushWorkerConfig {
  const r = new EnvReader(env);
  const base = readBaseConfig(r, env);
  const healthRaw = r.optional('WORKER_HEALTH_PORT');
  const d = DEFAULT_COMPLIANCE_RULES;
  const blocking = r.optional('POSTURE_BLOCKING_DETECTION_SEVERITY') ?? d.blockingDetectionSeverity;
  const config: PushWorkerConfig = {
    ...base,
    concurrency: r.int('PUSH_WORKER_CONCURRENCY', 8, 1, 128),
    lockDurationMs: r.int('PUSH_LOCK_DURATION_MS', 60_000, 5_000, 600_000),
    healthPort: healthRaw === undefined ? undefined : r.int('WORKER_HEALTH_PORT', 0, 0, 65535),
    commandPollMs: r.int('COMMAND_POLL_MS', 5_000, 50, 600_000),
    commandTimeoutMs: r.int('COMMAND_TIMEOUT_MS', 3_600_000, 1_000, 7 * 86_400_000),
    activationDebounceMs: r.int('PUSH_ACTIVATION_DEBOUNCE_MS', 5_000, 0, 600_000),
    activationMaxWaitMs: r.int('PUSH_ACTIVATION_MAX_WAIT_MS', 60_000, 0, 3_600_000),
    pushBaseline: r.bool('PUSH_BASELINE_STATE', false),
    rules: {
      ...d,
      requireFileVault: r.bool('POSTURE_REQUIRE_FILEVAULT', d.requireFileVault),
      requireSip: r.bool('POSTURE_REQUIRE_SIP', d.requireSip),
      requireFirewall: r.bool('POSTURE_REQUIRE_FIREWALL', d.requireFirewall),
      requireGatekeeper: r.bool('POSTURE_REQUIRE_GATEKEEPER', d.requireGatekeeper),
      requireEdrSensor: r.bool('POSTURE_REQUIRE_EDR', d.requireEdrSensor),
      unknownFails: r.bool('POSTURE_UNKNOWN_FAILS', d.unknownFails),
      minimumOsVersions: parseMinimumVersions(r, r.optional('POSTURE_MIN_OS_VERSIONS')),
      blockingDetectionSeverity: blocking === 'none' ? null : r.oneOf('POSTURE_BLOCKING_DETECTION_SEVERITY', ['low', 'medium', 'high', 'critical', 'none'] as const, 'high'),
    },
    riskWeights: DEFAULT_RISK_WEIGHTS,
    usageFlushEveryMs: r.int('VENDOR_USAGE_FLUSH_EVERY_MS', 10_000, 100, 600_000),
    shutdownDeadlineMs: r.int('SHUTDOWN_DEADLINE_MS', 25_000, 1_000, 600_000),
  };
  r.finish();
  return config;
}
